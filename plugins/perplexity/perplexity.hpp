// perplexity: cc_net's document perplexity under a SentencePiece model and a KenLM-style n-gram
// model (ARPA or KenLM binary), recorded as a meta field.
#pragma once

#include <loom/plugin.hpp>

#include <memory>
#include <string>

namespace loom::perplexity {

class DocumentPerplexity;

struct PerplexityOptions {
  std::string sp_model;
  std::string lm_model;
  std::string field = "perplexity";
  std::string tokenized_field;
  bool normalize = true;
  StringList languages;
  std::string language_field = "language";
  std::int64_t digits = 1;

  static constexpr auto fields = std::tuple(
      loom::field("sp_model", &PerplexityOptions::sp_model,
                  "SentencePiece model file (cc_net's <lang>.sp.model); empty: the text is already "
                  "pieces separated by spaces (cc_net's `tokenized`) and is scored as it is"),
      loom::field("lm_model", &PerplexityOptions::lm_model,
                  "n-gram model file: ARPA (plain or .gz) or KenLM binary in the probing layout "
                  "(cc_net's <lang>.arpa.bin); the format is detected from the first bytes")
          .required(),
      loom::field("field", &PerplexityOptions::field, "meta field for the perplexity"),
      loom::field(
          "tokenized_field", &PerplexityOptions::tokenized_field,
          "meta field for the space-joined pieces (cc_net's `tokenized`); empty: not written"),
      loom::field(
          "normalize", &PerplexityOptions::normalize,
          "apply cc_net's text normalizer to the whole text before SentencePiece, as cc_net "
          "does (only with sp_model)"),
      loom::field("languages", &PerplexityOptions::languages,
                  "score only documents whose `language_field` is one of these (the languages the "
                  "models are for); others are left without the field, as cc_net does; empty: all"),
      loom::field("language_field", &PerplexityOptions::language_field,
                  "meta field holding the document's language"),
      loom::field("digits", &PerplexityOptions::digits,
                  "round like Python's round(pp, digits) (cc_net: 1); -1: no rounding")
          .range(-1, 17));
  void validate() const;
};

class Perplexity : public Cleaner {
 public:
  static constexpr const char* name = "perplexity";
  static constexpr const char* summary =
      "cc_net perplexity: normalized text, SentencePiece pieces, n-gram model (ARPA or KenLM "
      "binary)";
  using Options = PerplexityOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {
      {"*", "the perplexity (field option) and the pieces (tokenized_field)"}};

  explicit Perplexity(const Options& options);
  ~Perplexity() override;
  void process(Batch& batch) override;

 private:
  Options options_;
  std::unique_ptr<DocumentPerplexity> scorer_;
};

}  // namespace loom::perplexity
