// Shared by the FastClassifier tests: golden documents, and a comparison of FastClassifier with
// libfasttext's predictLine line by line.
#pragma once

#include <doctest/doctest.h>

#include <fasttext/fasttext.h>
#include <simdjson.h>
#include <fasttext_inference/fast_classifier.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fast_classifier_testing {

namespace fs = std::filesystem;
using loom::fasttext_inference::FastClassifier;

inline std::string model_path() {
  const char* cache = std::getenv("LOOM_CACHE");
  const char* home = std::getenv("HOME");
  std::string root =
      cache != nullptr && *cache != '\0' ? cache : std::string(home ? home : "") + "/.cache/loom";
  return root + "/models/lid.176.ftz";
}

inline bool have_model() {
  if (fs::exists(model_path())) return true;
  std::cout << "SKIPPED: fastText model " << model_path() << " absent (scripts/setup.sh)\n";
  return false;
}

// The "text" and "raw_content" fields of every record of the golden JSON-lines files.
inline std::vector<std::string> golden_texts() {
  const fs::path golden = fs::path(LOOM_SHARED_DIR) / "golden";
  const char* files[] = {"common_crawl/dolma_docs.input.jsonl",
                         "common_crawl/wet_parsed_minlen1.jsonl",
                         "stackexchange/coffee.stackexchange.com.jsonl",
                         "stackexchange/conlang.meta.stackexchange.com.jsonl",
                         "stackexchange/history.meta.stackexchange.com.jsonl",
                         "arxiv/arxiv.jsonl",
                         "wikipedia/wiki-full.jsonl",
                         "c4/c4-sample.01.jsonl"};
  std::vector<std::string> texts;
  simdjson::ondemand::parser parser;
  for (const char* name : files) {
    const fs::path path = golden / name;
    if (!fs::exists(path)) {
      std::cout << "SKIPPED: " << path << " absent\n";
      continue;
    }
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      simdjson::padded_string padded(line);
      simdjson::ondemand::document doc = parser.iterate(padded);
      for (auto field : doc.get_object()) {
        const std::string_view key = field.unescaped_key().value();
        if (key != "text" && key != "raw_content") continue;
        texts.emplace_back(std::string_view(field.value().get_string().value()));
      }
    }
  }
  return texts;
}

struct Answer {
  bool present = false;
  std::string label;
  float probability = 0;
};

inline Answer reference_answer(const fasttext::FastText& model, const std::string& line,
                               float threshold) {
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model.predictLine(in, predictions, 1, threshold);
  if (predictions.empty()) return {};
  return {true, predictions[0].second, predictions[0].first};
}

inline Answer fast_answer(const FastClassifier& model, const std::string& line,
                          loom::fasttext_inference::TokenCache& cache, float threshold) {
  const auto p = model.predict(line, cache, threshold);
  if (!p) return {};
  return {true, std::string(p->label), p->probability};
}

// Checks every line, returns how many were compared.
inline std::size_t check_agreement(const fasttext::FastText& reference, const FastClassifier& fast,
                                   const std::vector<std::string>& lines,
                                   std::size_t cache_capacity, float threshold) {
  auto cache = fast.make_cache(cache_capacity);
  std::size_t compared = 0;
  for (const std::string& line : lines) {
    const Answer expected = reference_answer(reference, line, threshold);
    const Answer got = fast_answer(fast, line, cache, threshold);
    INFO("line: " << line.substr(0, 200));
    REQUIRE(got.present == expected.present);
    CHECK(got.label == expected.label);
    CHECK(std::fabs(got.probability - expected.probability) <= 1e-5);
    ++compared;
  }
  return compared;
}

}  // namespace fast_classifier_testing
