#include "alpha_token_filter.hpp"

#include <charconv>

#include "alphabetic.hpp"
#include "token_count.hpp"

namespace loom::tokens {
namespace {

// Shortest round-trip form, so the default reason reads alpha_per_token<1.5.
std::string number_text(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

void AlphaTokenFilterOptions::validate() const {
  load_tokenizer_for(AlphaTokenFilter::name, tokenizer);
}

AlphaTokenFilter::AlphaTokenFilter(const Options& options)
    : options_(options),
      reason_("alpha_per_token<" + number_text(options.min_alpha_per_token)),
      pool_(std::make_unique<EncoderPool>(load_tokenizer_for(name, options.tokenizer))) {}

void AlphaTokenFilter::process(Batch& batch) {
  auto encoder = pool_->borrow();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    const auto tokens = static_cast<std::int64_t>(count_tokens(name, *encoder, batch, i));
    if (!options_.count_field.empty()) doc.set_meta(options_.count_field, tokens);
    const auto alphabetic = static_cast<double>(count_alphabetic(doc.text()));
    if (tokens == 0 || alphabetic / static_cast<double>(tokens) < options_.min_alpha_per_token)
      doc.drop(reason_);
  }
}

}  // namespace loom::tokens
