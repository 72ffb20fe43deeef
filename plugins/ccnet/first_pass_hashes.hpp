// The line hashes ccnet_line_dedup's first pass computed, kept for its second pass, so that each
// line is normalized and SHA-1 hashed once instead of twice (normalize_for_dedup + sha1 is most
// of the stage's cost). The engine hands process() the documents observe() saw, in the same
// order (docs/runtime.md, "Stages that see their whole input first"), so the hashes are a queue:
// observe() appends each document's, process() takes them back in turn.
//
// Bounded: past `capacity_bytes` (8 bytes per line, 16 per document) no more documents are kept
// and the second pass hashes the rest itself. Each kept document carries its text's size and
// XXH3 fingerprint; a document process() is handed that is not the next one kept (a caller that
// does not replay observe()'s documents) gets nothing, and the queue is given up: the second pass
// then hashes every further document as it would without it, so decisions never depend on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace loom::ccnet {

class FirstPassHashes {
 public:
  // 64 MiB: 8 million lines, about 1 GB of WET text (one line per 100 to 170 bytes).
  static constexpr std::size_t default_capacity_bytes = std::size_t{64} << 20;

  explicit FirstPassHashes(std::size_t capacity_bytes = default_capacity_bytes)
      : capacity_bytes_(capacity_bytes) {}

  // The first pass: the hashes of `text`'s lines, if they still fit.
  void keep(std::string_view text, std::span<const std::uint64_t> hashes);

  // The second pass: the hashes kept for `text` (the next document in the first pass's order),
  // or false when it was not kept (then it and every later document must be hashed afresh).
  bool take(std::string_view text, std::vector<std::uint64_t>& hashes);

  std::size_t documents_kept() const { return documents_.size(); }

 private:
  struct Kept {
    std::uint64_t fingerprint;
    std::uint32_t text_bytes_low;  // a cheap first check; the fingerprint decides
    std::uint32_t lines;
  };

  void give_up();

  std::size_t capacity_bytes_;
  bool full_ = false;      // the first pass stopped keeping
  bool given_up_ = false;  // the second pass stopped taking
  std::vector<Kept> documents_;
  std::vector<std::uint64_t> hashes_;
  std::size_t next_document_ = 0;
  std::size_t next_hash_ = 0;
};

}  // namespace loom::ccnet
