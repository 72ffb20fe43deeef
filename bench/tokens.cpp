// GPT-NeoX-20B token counting speed, single-threaded, on the real texts of the shared corpus:
// Loom's tokenizer (what token_count runs per document). Times are thread CPU time, best of the
// repetitions (the word cache warm after the first, as Hugging Face's is); MB = input UTF-8. Also
// the tokenizer's load (read tokenizer.json, build the tables) and its freeing: a graph pays both
// once, before any thread has work and after the last, so they bound what a second thread can
// gain on a short run.
// With --dump FILE it also writes the texts as JSON lines ({"text": ...}) for bench/tokens_hf.js,
// which times Hugging Face tokenizers on the same texts (bench/run.sh prints both).
//
// usage: loom_bench_tokens CORPUS_DIR TOKENIZER_JSON [--repeat R] [--dump FILE]
// Prints one line, then key=value lines for scripts.

#include "corpus_texts.hpp"
#include "json_escape.hpp"
#include "thread_clock.hpp"

#include <simdjson.h>
#include <tokenizer.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using loom::bench::best_seconds;

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR TOKENIZER_JSON [--repeat R] [--dump FILE]\n",
                 argv[0]);
    return 2;
  }
  int repeat = 3;
  std::string dump;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::string_view(argv[i]) == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    if (std::string_view(argv[i]) == "--dump") dump = argv[i + 1];
  }
  // Token counting takes UTF-8; the corpus's few other files (a Latin-1 book) are left out.
  auto texts = loom::bench::load_corpus_texts(argv[1]);
  std::erase_if(texts, [](const auto& t) { return !simdjson::validate_utf8(t.text); });
  std::shared_ptr<const loom::tokens::Tokenizer> tokenizer;
  double load_seconds = 1e300;
  double free_seconds = 1e300;
  for (int r = 0; r < repeat; ++r) {
    tokenizer.reset();
    load_seconds = std::min(
        load_seconds, best_seconds(1, [&] { tokenizer = loom::tokens::Tokenizer::load(argv[2]); }));
    if (r + 1 < repeat)
      free_seconds = std::min(free_seconds, best_seconds(1, [&] { tokenizer.reset(); }));
  }
  double bytes = 0;
  for (const auto& t : texts) bytes += static_cast<double>(t.text.size());
  if (!dump.empty()) {
    std::ofstream out(dump, std::ios::binary);
    std::string line;
    for (const auto& t : texts) {
      line = "{\"text\": ";
      loom::bench::append_json_utf8(line, t.text);
      line += "}\n";
      out << line;
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + dump);
  }
  auto encoder = tokenizer->encoder();
  std::size_t tokens = 0;
  const double seconds = best_seconds(repeat, [&] {
    tokens = 0;
    for (const auto& t : texts) tokens += encoder->count(t.text);
  });
  const double mb = bytes / 1e6;
  std::printf("%-44s %8.1f MB/s  (%zu tokens)\n", "Loom tokenizer, count per document",
              mb / seconds, tokens);
  if (repeat > 1)
    std::printf("%-44s %8.1f ms  (freeing it: %.1f ms)\n", "Loom tokenizer, load",
                1e3 * load_seconds, 1e3 * free_seconds);
  else
    std::printf("%-44s %8.1f ms\n", "Loom tokenizer, load", 1e3 * load_seconds);
  std::printf("corpus_mb=%.2f documents=%zu tokens=%zu loom_mb_s=%.2f loom_load_ms=%.1f\n", mb,
              texts.size(), tokens, mb / seconds, 1e3 * load_seconds);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "loom_bench_tokens: %s\n", e.what());
  return 1;
}
