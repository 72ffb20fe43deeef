#include "wikiref_filter.hpp"

#include <fasttext_inference/classifier_pool.hpp>
#include "classifier_text.hpp"

#include <filesystem>
#include <utility>

namespace loom::redpajama_cc {

WikirefFilter::WikirefFilter(const Options& options) : options_(options) {
  if (!std::filesystem::is_regular_file(options_.model))
    throw Error("wikiref_filter: model file '" + options_.model + "' not found", LOOM_ERR_CONFIG);
  try {
    classifier_ = std::make_unique<fasttext_inference::ClassifierPool>(options_.model);
  } catch (const std::exception& e) {
    throw Error("wikiref_filter: cannot load fastText model '" + options_.model + "': " + e.what(),
                LOOM_ERR_CONFIG);
  }
}

WikirefFilter::~WikirefFilter() = default;

void WikirefFilter::process(Batch& batch) {
  fasttext_inference::ClassifierPool::Lease lease = classifier_->borrow_cache();
  const bool filter = options_.mode == "filter";
  std::string line;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    // classify.py: model.predict(" ".join(raw_content.strip().splitlines())); the Python binding
    // appends "\n", which predictLine reads as the end-of-sentence token.
    line = join_stripped_lines(doc.text());
    line += '\n';
    const auto prediction = classifier_->classifier().predict(line, lease.cache());
    if (!prediction) {
      // An empty text (or one of unknown words only) has no prediction; classify.py would fail
      // on it. Recorded as an empty label, and never kept by the filter.
      doc.set_meta("pred_label", std::string_view());
      doc.set_meta("pred_label_prob", 0.0);
      doc.set_meta("wiki_prob", 0.0);
      if (filter) doc.drop("no_prediction");
      continue;
    }
    // The binding returns predictLine's float probability as a Python float (a double), and
    // 1 - p is computed in double: so do we. p may exceed 1 by fastText's 1e-5 smoothing.
    const double probability = prediction->probability;
    const double wiki_prob =
        prediction->label == options_.wiki_label ? probability : 1.0 - probability;
    doc.set_meta("pred_label", prediction->label);
    doc.set_meta("pred_label_prob", probability);
    doc.set_meta("wiki_prob", wiki_prob);
    if (filter && !(wiki_prob >= options_.min_wiki_prob)) doc.drop("low_wiki_prob");
  }
}

}  // namespace loom::redpajama_cc
