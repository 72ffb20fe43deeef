// Builders of the per-slice benchmark inputs: each makes, from the small shared corpus (or the
// golden run's inputs built from it), a DATA root of at least `target_bytes` of input in the
// slice's native format, laid out as graphs/redpajama/<slice>.yaml reads it. The output depends
// only on the shared files and the target (fixed PRNG seeds, sorted file order).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace loom::bench {

struct SliceInput {
  std::uint64_t files = 0;
  std::uint64_t input_bytes = 0;  // what the graph parses: .gz decompressed, tars as they are
  std::uint64_t records = 0;      // input records: rows, files, papers or posts
  std::uint64_t copies = 0;       // how many times the shared sample was replicated
  std::string perturbation;       // how copies differ from the sample, one word
};

struct SliceTarget {
  std::filesystem::path shared;  // ../shared
  std::filesystem::path root;    // the DATA root to fill (empty on entry)
  std::uint64_t target_bytes;
};

SliceInput build_c4(const SliceTarget& target);
SliceInput build_github(const SliceTarget& target);
SliceInput build_books(const SliceTarget& target);
SliceInput build_books_txt(const SliceTarget& target);
SliceInput build_stackexchange(const SliceTarget& target);
SliceInput build_arxiv(const SliceTarget& target);
SliceInput build_wikipedia(const SliceTarget& target);
SliceInput build_common_crawl(const SliceTarget& target);

}  // namespace loom::bench
