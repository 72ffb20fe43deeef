#include "token_count.hpp"

#include "encoder_pool.hpp"

namespace loom::tokens {

void TokenCountOptions::validate() const {
  if (field.empty()) throw Error("token_count: `field` must not be empty", LOOM_ERR_CONFIG);
  load_tokenizer_for(TokenCount::name, tokenizer);
}

TokenCount::TokenCount(const Options& options)
    : options_(options),
      pool_(std::make_unique<EncoderPool>(load_tokenizer_for(name, options.tokenizer))) {}

TokenCount::~TokenCount() = default;

namespace {

// Runs `encode` on document `record`, raising what the tokenizer refuses in its text as an
// error naming the component, shard and record.
template <class Encode>
auto refusals_named(const char* component, Batch& batch, std::size_t record, Encode&& encode) {
  const auto named = [&](const std::exception& e) {
    return Error(std::string(component) + ": shard '" + std::string(batch.shard()) + "' record " +
                     std::to_string(record) + ": " + e.what(),
                 LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(record));
  };
  try {
    return encode();
  } catch (const std::invalid_argument& e) {  // not UTF-8
    throw named(e);
  } catch (const RegexLimitError& e) {
    throw named(e);
  }
}

}  // namespace

std::size_t count_tokens(const char* component, Tokenizer::Encoder& encoder, Batch& batch,
                         std::size_t record) {
  return refusals_named(component, batch, record,
                        [&] { return encoder.count(batch[record].text()); });
}

void encode_record(const char* component, Tokenizer::Encoder& encoder, Batch& batch,
                   std::size_t record, std::vector<std::uint32_t>& ids) {
  refusals_named(component, batch, record, [&] { encoder.encode(batch[record].text(), ids); });
}

void TokenCount::process(Batch& batch) {
  auto encoder = pool_->borrow();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Doc doc = batch[i];
    if (doc.dropped()) continue;
    const auto count = count_tokens(name, *encoder, batch, i);
    doc.set_meta(options_.field, static_cast<std::int64_t>(count));
  }
}

}  // namespace loom::tokens
