// Language id speed: libfasttext's predictLine against Loom's FastClassifier (per-thread token
// cache), single-threaded, on the same model and the same documents, in one run.
//
// The documents are ~2.3 KB pieces of the shared corpus's texts (cut at whitespace), prepared as
// language_id prepares them (newlines -> spaces, then the "\n" the Python binding appends). The
// fast path is timed twice: cold (an empty cache, so every first sight of a token is a miss
// inside the time) and warm (a cache that has seen the corpus's other documents first, as a
// long-running language_id thread's has). Times are thread CPU time, best of the repetitions.
// Both paths' answers are compared: any label mismatch or probability difference over 1e-5 makes
// the run fail, since a speed-up with different answers is no speed-up.
//
// usage: loom_bench_langid CORPUS_DIR MODEL [--docs N] [--repeat R]
// Prints one line per path, the cold one with issue 16's target (>= 15x predictLine on these
// unique documents from an empty cache) as PASS/MISS, then key=value lines for scripts.

#include "corpus_texts.hpp"
#include "thread_clock.hpp"

#include <fasttext/fasttext.h>
#include <fasttext_inference/fast_classifier.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t kDocBytes = 2300;
constexpr double kTargetSpeedup = 15;

struct Documents {
  std::vector<std::string> measured;  // `count` pieces taken evenly across the corpus
  std::vector<std::string> others;    // the rest, to warm a cache with
};

// ~kDocBytes pieces of every text, each ending at whitespace (so no word or UTF-8 sequence is
// split); `count` of them taken evenly across the corpus so every source is represented.
Documents make_documents(const std::vector<loom::bench::SourceText>& texts, std::size_t count) {
  std::vector<std::string> pieces;
  for (const auto& source : texts) {
    std::string_view text = source.text;
    while (text.size() >= kDocBytes / 2) {
      std::size_t cut = std::min(kDocBytes, text.size());
      while (cut < text.size() && text[cut] != ' ' && text[cut] != '\n') ++cut;
      std::string doc(text.substr(0, cut));
      std::replace(doc.begin(), doc.end(), '\n', ' ');
      doc += '\n';
      pieces.push_back(std::move(doc));
      text.remove_prefix(cut);
    }
  }
  Documents docs;
  count = std::min(count, pieces.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (next < count && i == next * pieces.size() / count) {
      docs.measured.push_back(std::move(pieces[i]));
      ++next;
    } else {
      docs.others.push_back(std::move(pieces[i]));
    }
  }
  return docs;
}

struct Answer {
  std::string label;
  float probability = -1;
};

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: loom_bench_langid CORPUS_DIR MODEL [--docs N] [--repeat R]\n";
    return 2;
  }
  std::size_t doc_count = 4000;
  int repeat = 3;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--docs")
      doc_count = std::strtoul(argv[i + 1], nullptr, 10);
    else if (flag == "--repeat")
      repeat = std::max(1, std::atoi(argv[i + 1]));
  }
  const Documents corpus = make_documents(loom::bench::load_corpus_texts(argv[1]), doc_count);
  const std::vector<std::string>& docs = corpus.measured;
  std::size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();
  // The machine may be shared: its load says how far the CPU caches were the code's own.
  double load[1] = {-1};
  getloadavg(load, 1);
  std::printf("langid: %zu docs, %.0f bytes on average, model %s, load average %.2f\n", docs.size(),
              static_cast<double>(bytes) / static_cast<double>(docs.size()), argv[2], load[0]);

  fasttext::FastText reference;
  reference.loadModel(argv[2]);
  const loom::fasttext_inference::FastClassifier fast(argv[2]);

  std::vector<Answer> expected(docs.size());
  std::vector<Answer> got(docs.size());
  double best_reference = 1e300;
  double best_fast = 1e300;
  double best_warm = 1e300;
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  for (int r = 0; r < repeat; ++r) {
    double start = loom::bench::thread_seconds();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      std::istringstream line(docs[i]);  // as language_id fed predictLine
      reference.predictLine(line, predictions, 1, 0.0);
      if (!predictions.empty()) expected[i] = {predictions[0].second, predictions[0].first};
    }
    best_reference = std::min(best_reference, loom::bench::thread_seconds() - start);

    start = loom::bench::thread_seconds();
    auto cache = fast.make_cache();  // cold: misses are part of the measurement
    for (std::size_t i = 0; i < docs.size(); ++i) {
      if (auto p = fast.predict(docs[i], cache)) got[i] = {std::string(p->label), p->probability};
    }
    best_fast = std::min(best_fast, loom::bench::thread_seconds() - start);

    // A long-running language_id thread's cache has seen many documents before this one: warm
    // it on the other pieces of the corpus (untimed), never on the measured documents.
    auto warm_cache = fast.make_cache();
    for (const auto& doc : corpus.others) fast.predict(doc, warm_cache);
    start = loom::bench::thread_seconds();
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const auto p = fast.predict(docs[i], warm_cache);
      const bool same = p ? p->label == got[i].label && p->probability == got[i].probability
                          : got[i].probability < 0;
      if (!same) {
        std::cerr << "loom_bench_langid: a warm cache changed the answer for doc " << i << "\n";
        return 1;
      }
    }
    best_warm = std::min(best_warm, loom::bench::thread_seconds() - start);
  }

  std::size_t mismatches = 0;
  double max_difference = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const double difference = std::fabs(expected[i].probability - got[i].probability);
    max_difference = std::max(max_difference, difference);
    if (expected[i].label != got[i].label || difference > 1e-5) ++mismatches;
  }
  const double n = static_cast<double>(docs.size());
  std::printf("predictLine:    %8.0f docs/s (best of %d, thread CPU time)\n", n / best_reference,
              repeat);
  std::printf(
      "FastClassifier: %8.0f docs/s (cold: empty cache at the start)   %6.2fx  %s "
      "(target >= %.0fx)\n",
      n / best_fast, best_reference / best_fast,
      best_reference / best_fast >= kTargetSpeedup ? "PASS" : "MISS", kTargetSpeedup);
  std::printf("FastClassifier: %8.0f docs/s (warm: cache filled on %zu other docs) %6.2fx  %s\n",
              n / best_warm, corpus.others.size(), best_reference / best_warm,
              best_reference / best_warm >= kTargetSpeedup ? "PASS" : "MISS");
  std::printf("agreement: %zu of %zu docs differ; max probability difference %.3g\n", mismatches,
              docs.size(), max_difference);
  std::printf(
      "predictline_docs_per_s=%.0f\nfast_docs_per_s=%.0f\nfast_warm_docs_per_s=%.0f\n"
      "speedup=%.2f\nspeedup_warm=%.2f\n",
      n / best_reference, n / best_fast, n / best_warm, best_reference / best_fast,
      best_reference / best_warm);
  return mismatches == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::cerr << "loom_bench_langid: " << e.what() << "\n";
  return 1;
}
