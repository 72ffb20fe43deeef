// cc_net perplexity speed, single-threaded, on documents of about 2.3 KB cut from the real texts
// of the shared corpus: the whole step (normalize + SentencePiece + n-gram scoring) in docs/s per
// core, and the n-gram scoring alone. Times are thread CPU time, best of the repetitions.
//
// usage: loom_bench_perplexity CORPUS_DIR SP_MODEL LM_MODEL [--repeat R]
// (the perplexity tests leave real models in BUILD/test-data/perplexity-models-v1/)
// Prints one line per measurement, then key=value lines for scripts.

#include "corpus_texts.hpp"
#include "thread_clock.hpp"

#include <document_perplexity.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using loom::bench::best_seconds;

namespace {

// Consecutive lines of each text gathered into documents of at least 2,300 bytes.
std::vector<std::string> documents_of(const std::vector<loom::bench::SourceText>& texts) {
  std::vector<std::string> docs;
  std::string current;
  for (const auto& t : texts) {
    std::string_view rest = t.text;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      current.append(rest.substr(0, end)).push_back('\n');
      rest.remove_prefix(std::min(end + 1, rest.size()));
      if (current.size() >= 2300) docs.push_back(std::exchange(current, {}));
    }
  }
  return docs;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR SP_MODEL LM_MODEL [--repeat R]\n", argv[0]);
    return 2;
  }
  int repeat = 3;
  for (int i = 4; i + 1 < argc; i += 2)
    if (std::string_view(argv[i]) == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
  const auto docs = documents_of(loom::bench::load_corpus_texts(argv[1]));
  double bytes = 0;
  for (const auto& d : docs) bytes += static_cast<double>(d.size());
  const loom::perplexity::DocumentPerplexity scorer(argv[2], argv[3], true);
  loom::perplexity::Scratch scratch;

  double sink = 0;
  std::vector<std::string> tokenized;
  const double whole = best_seconds(repeat, [&] {
    tokenized.clear();
    for (const auto& d : docs) {
      sink += scorer.score(d, scratch).perplexity;
      tokenized.push_back(scratch.tokenized);
    }
  });
  // The n-gram part alone, on the pieces the whole step produced.
  const loom::perplexity::DocumentPerplexity pieces_only("", argv[3], false);
  std::size_t pieces = 0;
  const double scoring = best_seconds(repeat, [&] {
    pieces = 0;
    for (const auto& t : tokenized) {
      const auto score = pieces_only.score(t, scratch);
      sink += score.perplexity;
      pieces += static_cast<std::size_t>(score.length);
    }
  });
  const double n = static_cast<double>(docs.size());
  std::printf("model: %s, order %d, %llu words\n", scorer.model().format().c_str(),
              scorer.model().order(),
              static_cast<unsigned long long>(scorer.model().vocabulary_size()));
  std::printf("%-48s %9.0f docs/s  (%.1f MB/s)\n", "perplexity, whole step (one core)", n / whole,
              bytes / 1e6 / whole);
  std::printf("%-48s %9.0f docs/s  (%.2f M pieces/s)\n", "n-gram scoring alone (one core)",
              n / scoring, static_cast<double>(pieces) / scoring / 1e6);
  std::printf("documents=%zu mean_bytes=%.0f perplexity_docs_s=%.0f scoring_docs_s=%.0f\n",
              docs.size(), bytes / n, n / whole, n / scoring);
  return sink == 0 ? 1 : 0;  // keeps the work observable
} catch (const std::exception& e) {
  std::fprintf(stderr, "loom_bench_perplexity: %s\n", e.what());
  return 1;
}
