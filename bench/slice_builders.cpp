// The JSON-lines and text-file slices: c4, github (BigQuery rows), books (pg19 rows), books_txt.
#include "slice_builders.hpp"

#include "slice_io.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

namespace fs = std::filesystem;

namespace loom::bench {
namespace {

constexpr int kShards = 8;

std::vector<fs::path> sorted_files(const fs::path& root, std::string_view suffix) {
  std::vector<fs::path> files;
  if (!fs::is_directory(root)) throw std::runtime_error(root.string() + ": not found");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty())
    throw std::runtime_error(root.string() + ": no *" + std::string(suffix) + " files");
  return files;
}

std::string shard_name(const char* stem, int shard, const char* extension) {
  char name[64];
  std::snprintf(name, sizeof name, "%s-%03d%s", stem, shard, extension);
  return name;
}

// Writes lines into `kShards` gzip files of about equal size, counting what goes in.
class ShardedLines {
 public:
  ShardedLines(fs::path folder, const char* stem, const char* extension, std::uint64_t target_bytes,
               SliceInput& counts)
      : folder_(std::move(folder)),
        stem_(stem),
        extension_(extension),
        shard_bytes_(target_bytes / kShards + 1),
        counts_(counts) {
    fs::create_directories(folder_);
  }

  void add(std::string_view line) {
    if (!writer_ || bytes_in_shard_ >= shard_bytes_) next_shard();
    writer_->write(line);
    writer_->write("\n");
    bytes_in_shard_ += line.size() + 1;
    counts_.input_bytes += line.size() + 1;
    ++counts_.records;
  }

  void close() {
    if (writer_) writer_->close();
  }

 private:
  void next_shard() {
    if (writer_) writer_->close();
    writer_ = std::make_unique<GzWriter>(
        folder_ / shard_name(stem_, static_cast<int>(counts_.files), extension_));
    ++counts_.files;
    bytes_in_shard_ = 0;
  }

  fs::path folder_;
  const char* stem_;
  const char* extension_;
  std::uint64_t shard_bytes_;
  SliceInput& counts_;
  std::unique_ptr<GzWriter> writer_;
  std::uint64_t bytes_in_shard_ = 0;
};

// Replicates the JSON rows of `files` until `target_bytes`, copy k rewritten by `copy_row`.
template <typename CopyRow>
SliceInput replicate_rows(const std::vector<fs::path>& files, const SliceTarget& target,
                          const fs::path& folder, const char* extension, CopyRow copy_row) {
  std::vector<std::string> contents;
  std::vector<std::string_view> rows;
  for (const auto& file : files) contents.push_back(read_file(file));
  for (const auto& content : contents)
    for (std::string_view row : split_lines(content))
      if (!row.empty()) rows.push_back(row);
  SliceInput counts;
  ShardedLines out(folder, "bench", extension, target.target_bytes, counts);
  while (counts.input_bytes < target.target_bytes) {
    for (std::string_view row : rows) out.add(copy_row(row, counts.copies));
    ++counts.copies;
  }
  out.close();
  return counts;
}

}  // namespace

// C4 has no dedup and no filter: exact copies of the records are what it would see anyway.
SliceInput build_c4(const SliceTarget& target) {
  SliceInput counts = replicate_rows(sorted_files(target.shared / "corpus/c4", ".json.gz"), target,
                                     target.root / "c4", ".json.gz",
                                     [](std::string_view row, std::uint64_t) { return row; });
  counts.perturbation = "none";
  return counts;
}

// Copy k > 0 of a row gets a last line naming the copy, so its md5 differs and exact dedup keeps
// it; rows whose content is empty or null stay exact copies (dedup drops those copies).
SliceInput build_github(const SliceTarget& target) {
  std::string rewritten;
  SliceInput counts = replicate_rows(
      {target.shared / "golden/github/github_input.jsonl.gz"}, target, target.root / "github",
      ".jsonl.gz", [&](std::string_view row, std::uint64_t copy) -> std::string_view {
        if (copy == 0) return row;
        rewritten = rewrite_json_row(row, [&](std::string_view key, std::string_view value) {
          std::optional<std::string> changed;
          if (key != "content" || value.empty()) return changed;
          changed.emplace(value);
          if (changed->back() != '\n') *changed += '\n';
          *changed += "bench copy " + std::to_string(copy) + "\n";
          return changed;
        });
        return rewritten;
      });
  counts.perturbation = "appended_line";
  return counts;
}

// Copy k > 0 of a book has its letters permuted (one permutation per copy), so copies are not
// near-duplicates of each other; the sample's own near-duplicate editions stay near-duplicates
// within a copy, so about the sample's share of books is dropped.
SliceInput build_books(const SliceTarget& target) {
  Random random{0xB00C5};
  LetterPermutation permutation = LetterPermutation::identity();
  std::uint64_t permuted_copy = 0;
  std::string rewritten;
  SliceInput counts = replicate_rows(
      {target.shared / "golden/books/pg19_000.jsonl.gz"}, target, target.root / "books",
      ".jsonl.gz", [&](std::string_view row, std::uint64_t copy) -> std::string_view {
        if (copy == 0) return row;
        if (copy != permuted_copy) {
          permutation = LetterPermutation::shuffled(random);
          permuted_copy = copy;
        }
        rewritten = rewrite_json_row(row, [&](std::string_view key, std::string_view value) {
          std::optional<std::string> changed;
          if (key != "text") return changed;
          changed.emplace(value);
          permutation.apply(*changed);
          return changed;
        });
        return rewritten;
      });
  counts.perturbation = "letter_permutation";
  return counts;
}

// The Gutenberg .txt files, copy k in books/copy<k>/<folder>/<file>, letters permuted as above
// (bytewise on ASCII letters, so Latin-1 files stay Latin-1).
SliceInput build_books_txt(const SliceTarget& target) {
  const fs::path corpus = target.shared / "corpus/books";
  std::vector<std::pair<fs::path, std::string>> books;
  for (const auto& file : sorted_files(corpus, ".txt"))
    books.emplace_back(fs::relative(file, corpus), read_file(file));
  Random random{0xB00C5};
  SliceInput counts;
  while (counts.input_bytes < target.target_bytes) {
    const LetterPermutation permutation =
        counts.copies == 0 ? LetterPermutation::identity() : LetterPermutation::shuffled(random);
    const fs::path folder = target.root / "books" / shard_name("copy", int(counts.copies), "");
    for (const auto& [relative, text] : books) {
      std::string copy = text;
      permutation.apply(copy);
      fs::create_directories((folder / relative).parent_path());
      write_file(folder / relative, copy);
      ++counts.files;
      ++counts.records;
      counts.input_bytes += copy.size();
    }
    ++counts.copies;
  }
  counts.perturbation = "letter_permutation";
  return counts;
}

}  // namespace loom::bench
