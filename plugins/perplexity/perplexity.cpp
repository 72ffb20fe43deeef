#include "perplexity.hpp"

#include "document_perplexity.hpp"

#include <algorithm>
#include <filesystem>

namespace loom::perplexity {

void PerplexityOptions::validate() const {
  if (field.empty()) throw Error("perplexity: `field` must not be empty", LOOM_ERR_CONFIG);
  if (field == tokenized_field)
    throw Error("perplexity: `field` and `tokenized_field` must differ", LOOM_ERR_CONFIG);
}

Perplexity::Perplexity(const Options& options) : options_(options) {
  for (const std::string* path : {&options_.sp_model, &options_.lm_model})
    if ((path == &options_.lm_model || !path->empty()) && !std::filesystem::is_regular_file(*path))
      throw Error("perplexity: model file '" + *path + "' not found", LOOM_ERR_CONFIG);
  try {
    scorer_ = std::make_unique<DocumentPerplexity>(options_.sp_model, options_.lm_model,
                                                   options_.normalize);
  } catch (const std::exception& e) {
    throw Error(std::string("perplexity: ") + e.what(), LOOM_ERR_CONFIG);
  }
}

Perplexity::~Perplexity() = default;

void Perplexity::process(Batch& batch) {
  Scratch scratch;
  const auto& languages = options_.languages;
  std::int64_t record = -1;
  for (Doc doc : batch) {
    ++record;
    if (doc.dropped()) continue;
    if (!languages.empty()) {
      const auto language = doc.meta(options_.language_field);
      if (!language || language->type != LOOM_VALUE_STRING ||
          std::find(languages.begin(), languages.end(), language->s) == languages.end())
        continue;
    }
    DocumentScore score;
    try {
      score = scorer_->score(doc.text(), scratch);
    } catch (const std::exception& e) {
      throw Error(std::string("perplexity: ") + e.what(), LOOM_ERR_INVALID_INPUT).at_record(record);
    }
    const double value = options_.digits >= 0 ? round_like_python(score.perplexity,
                                                                  static_cast<int>(options_.digits))
                                              : score.perplexity;
    doc.set_meta(options_.field, Value::real(value));
    if (!options_.tokenized_field.empty())
      doc.set_meta(options_.tokenized_field, Value::string(scratch.tokenized));
  }
}

}  // namespace loom::perplexity
