// FastClassifier on models other than lid.176, trained here with libfasttext from golden texts
// (each labelled with the slice it comes from): softmax, one-vs-all and hierarchical softmax
// outputs, word bigrams, no char n-grams, and a model quantized with -cutoff (pruned buckets
// and quantized norms). Each must give predictLine's answers.
#include "fast_classifier_support.hpp"

#include <loom/testing/files.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace fast_classifier_testing;

namespace {

// One training line per golden document: "__label__<slice> <its first 400 bytes>".
std::vector<std::string> labelled_lines() {
  const fs::path golden = fs::path(LOOM_SHARED_DIR) / "golden";
  const std::pair<const char*, const char*> sources[] = {
      {"se", "stackexchange/coffee.stackexchange.com.jsonl"},
      {"wiki", "wikipedia/wiki-full.jsonl"},
      {"cc", "common_crawl/dolma_docs.input.jsonl"},
      {"c4", "c4/c4-sample.01.jsonl"}};
  std::vector<std::string> lines;
  simdjson::ondemand::parser parser;
  for (const auto& [label, name] : sources) {
    std::ifstream in(golden / name);
    std::string record;
    while (std::getline(in, record)) {
      simdjson::padded_string padded(record);
      simdjson::ondemand::document doc = parser.iterate(padded);
      for (auto field : doc.get_object()) {
        const std::string_view key = field.unescaped_key().value();
        if (key != "text" && key != "raw_content") continue;
        std::string text(std::string_view(field.value().get_string().value()).substr(0, 400));
        std::replace(text.begin(), text.end(), '\n', ' ');
        lines.push_back("__label__" + std::string(label) + " " + text + "\n");
      }
    }
  }
  return lines;
}

struct Variant {
  const char* name;
  fasttext::loss_name loss;
  int word_ngrams;
  int max_n;
  bool quantize;
};

}  // namespace

TEST_CASE("FastClassifier gives predictLine's answers on models trained with other settings") {
  const std::vector<std::string> lines = labelled_lines();
  if (lines.size() < 100) {
    std::cout << "SKIPPED: golden documents under " << LOOM_SHARED_DIR << " absent\n";
    return;
  }
  const loom::testing::TempDir scratch("fast_classifier_trained");
  const fs::path& dir = scratch.path();
  const fs::path train = dir / "train.txt";
  // Vocabulary words around the 16 bytes a lookup compares as one key (15, 16, 17 and 33 bytes,
  // sharing their first 15 or 16), so that a query differing only past them must not match.
  const std::string long_words =
      "abcdefghijklmno abcdefghijklmnop abcdefghijklmnopq abcdefghijklmnopqrstuvwxyz0123456";
  {
    std::ofstream out(train);
    for (const auto& line : lines) out << line;
    for (int i = 0; i < 3; ++i) out << "__label__se " << long_words << "\n";
  }
  // Unlabelled versions of the lines, plus a few that are mostly unknown words.
  std::vector<std::string> queries;
  for (const auto& line : lines) queries.push_back(line.substr(line.find(' ') + 1));
  queries.push_back("zzqx vvbnm qqqqq\n");
  queries.push_back("__label__se only a label and words\n");
  queries.push_back(long_words + "\n");
  queries.push_back(
      "abcdefghijklmnoX abcdefghijklmnopX abcdefghijklmnopr abcdefghijklmnopqrstuvwxyz0123457 "
      "abcdefghijklmn abcdefghijklmnopqrstuvwxyz012345 abcdefghijklmnopqrstuvwxyz01234567\n");

  const Variant variants[] = {
      {"softmax, word bigrams", fasttext::loss_name::softmax, 2, 4, false},
      {"one-vs-all, word bigrams", fasttext::loss_name::ova, 2, 4, false},
      {"hierarchical softmax, no char n-grams", fasttext::loss_name::hs, 1, 0, false},
      {"softmax, word bigrams, quantized with cutoff", fasttext::loss_name::softmax, 2, 4, true},
  };
  for (const Variant& v : variants) {
    INFO("model: " << std::string(v.name));
    fasttext::Args args;
    args.input = train.string();
    args.output = (dir / "model").string();
    args.model = fasttext::model_name::sup;
    args.loss = v.loss;
    args.dim = 10;
    args.epoch = 5;
    args.lr = 0.5;
    args.minCount = 1;
    args.wordNgrams = v.word_ngrams;
    args.minn = v.max_n > 0 ? 2 : 0;
    args.maxn = v.max_n;
    args.bucket = 50000;
    args.thread = 1;
    args.verbose = 0;
    fasttext::FastText trainer;
    trainer.train(args);
    if (v.quantize) {
      fasttext::Args quantization;
      quantization.cutoff = 2000;
      quantization.retrain = false;
      quantization.qnorm = true;
      quantization.qout = false;  // fastText cannot quantize an output of fewer than 256 rows
      quantization.dsub = 2;
      trainer.quantize(quantization);
    }
    const fs::path path = dir / (std::string("model") + (v.quantize ? ".ftz" : ".bin"));
    trainer.saveModel(path.string());

    fasttext::FastText reference;
    reference.loadModel(path.string());
    const FastClassifier fast(path.string());
    CHECK(check_agreement(reference, fast, queries, 0, 0.0f) == queries.size());
    CHECK(check_agreement(reference, fast, queries, 32, 0.3f) == queries.size());
  }
}
