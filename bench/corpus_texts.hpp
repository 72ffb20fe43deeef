// Reads the real texts of the shared corpus for the benchmark corpus maker: every file under a
// root, decompressed (.gz, .bz2), JSON-lines files reduced to their "text" fields.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace loom::bench {

struct SourceText {
  std::string name;  // path relative to the corpus root, plus "#<line>" for a JSON-lines record
  std::string text;
};

// All texts under `root`, in sorted path order (so the result is the same on every machine).
// Throws std::runtime_error naming the file on a read or decompression error.
std::vector<SourceText> load_corpus_texts(const std::filesystem::path& root);

}  // namespace loom::bench
