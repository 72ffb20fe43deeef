// token_count: the number of tokens a Hugging Face tokenizer.json tokenizer gives each
// document's text, recorded as a meta field. It is the count RedPajama reports (its
// len(tokenizer.tokenize(text))): no special tokens added, added tokens written inside the text
// still matched as one token each.
#pragma once

#include <loom/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

#include "encoder_pool.hpp"

namespace loom::tokens {

struct TokenCountOptions {
  std::string tokenizer;
  std::string field = "token_count";

  static constexpr auto fields = std::tuple(
      loom::field(
          "tokenizer", &TokenCountOptions::tokenizer,
          "Hugging Face tokenizer.json (BPE with NFC/NFKC/NFD/NFKD normalizers and ByteLevel "
          "or Split pre-tokenizers, e.g. GPT-NeoX-20B's); what it uses beyond that is "
          "refused at validation, naming the JSON path")
          .required(),
      loom::field("field", &TokenCountOptions::field, "meta field for the count (an integer)"));
  void validate() const;
};

class TokenCount : public Cleaner {
 public:
  static constexpr const char* name = "token_count";
  static constexpr const char* summary =
      "counts each document's tokens with a tokenizer.json tokenizer into a meta field";
  using Options = TokenCountOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"*", "the token count, under the field option"}};

  explicit TokenCount(const Options& options);
  ~TokenCount() override;
  void process(Batch& batch) override;

 private:
  Options options_;
  std::unique_ptr<EncoderPool> pool_;
};

// The token count of document `record` of `batch`, and its ids (appended to `ids`). What the
// tokenizer refuses in a text (invalid UTF-8; a pre-tokenizer pattern that gives up on it, see
// RegexLimitError) becomes an error naming the component, shard and record.
std::size_t count_tokens(const char* component, Tokenizer::Encoder& encoder, Batch& batch,
                         std::size_t record);
void encode_record(const char* component, Tokenizer::Encoder& encoder, Batch& batch,
                   std::size_t record, std::vector<std::uint32_t>& ids);

}  // namespace loom::tokens
