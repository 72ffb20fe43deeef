// alpha_token_filter: RedPajama's last GitHub filter (github_run_filter.py): drop a document
// whose alphabetic characters per token are below a threshold, i.e.
//   sum(c.isalpha() for c in text) / len(tokenizer.tokenize(text)) < min_alpha_per_token
// with Python's str.isalpha (general category L*) and the GPT-NeoX tokenizer. A text with no
// token (empty) has no ratio; it is dropped with the same reason rather than dividing by zero.
#pragma once

#include <loom/plugin.hpp>

#include <memory>
#include <string>

#include "encoder_pool.hpp"

namespace loom::tokens {

struct AlphaTokenFilterOptions {
  std::string tokenizer;
  double min_alpha_per_token = 1.5;
  std::string count_field;

  static constexpr auto fields = std::tuple(
      loom::field("tokenizer", &AlphaTokenFilterOptions::tokenizer,
                  "Hugging Face tokenizer.json (RedPajama: GPT-NeoX-20B's, as pythia-6.9b-deduped "
                  "uses)")
          .required(),
      loom::field("min_alpha_per_token", &AlphaTokenFilterOptions::min_alpha_per_token,
                  "drop when alphabetic characters per token are below this (reason "
                  "alpha_per_token<value)")
          .min(0),
      loom::field("count_field", &AlphaTokenFilterOptions::count_field,
                  "meta field for the token count of every document it sees; empty: not recorded"));
  void validate() const;
};

class AlphaTokenFilter : public Filter {
 public:
  static constexpr const char* name = "alpha_token_filter";
  static constexpr const char* summary =
      "drops documents with too few alphabetic characters per token (RedPajama GitHub)";
  using Options = AlphaTokenFilterOptions;
  static constexpr Declared drop_reasons[] = {
      {"alpha_per_token<*", "alphabetic characters per token under min_alpha_per_token"}};
  static constexpr Declared meta_fields[] = {{"*", "the token count, under count_field"}};

  explicit AlphaTokenFilter(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::string reason_;
  std::unique_ptr<EncoderPool> pool_;
};

}  // namespace loom::tokens
