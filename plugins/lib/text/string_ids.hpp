// Dense ids for the distinct strings of one document (words, lines, paragraphs): exact
// comparison, an open-addressing table reused from one document to the next, views only (the
// strings must outlive the table's use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace loom::textlib {

class StringIds {
 public:
  // Forgets every string; `expected` distinct strings to come sizes the table (it grows anyway).
  void reset(std::size_t expected);
  // The id of `s` (0, 1, 2, ... in order of first appearance); `inserted` says whether it is new.
  std::uint32_t id(std::string_view s, bool& inserted);
  std::size_t size() const { return strings_.size(); }
  std::string_view string(std::uint32_t id) const { return strings_[id]; }

 private:
  void grow();

  std::vector<std::string_view> strings_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_;  // id + 1, 0 when free
};

}  // namespace loom::textlib
