// Strings owned elsewhere, looked up by their bytes: a tokenizer's vocabulary (about 50,000
// tokens for GPT-NeoX), built once at load. Open addressing over 16-byte slots holding a hash tag,
// the length and where the bytes are, so a probe reads the key's bytes only when tag and length
// match; at most half the slots are used. A node-based std::unordered_map took 130 ns a lookup
// here (a cache miss per node), most of a tokenizer's load time, and one allocation per entry to
// free at exit.
//
// The indexed strings must stay where they are for as long as the index is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace loom::tokens {

class StringIndex {
 public:
  // Room for `expected` strings before the table grows.
  explicit StringIndex(std::size_t expected = 0);

  // Adds `key` -> `value` unless `key` is there already (the first value stays); returns whether
  // it was added.
  bool insert(std::string_view key, std::uint32_t value);

  std::optional<std::uint32_t> find(std::string_view key) const;

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // the hash's high half
    std::uint32_t size = 0;
    const char* data = nullptr;  // nullptr: empty
  };

  static std::uint64_t hash(std::string_view key);
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t slot_of(std::string_view key, std::uint64_t hash) const;
  void rebuild(std::size_t capacity);

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> values_;  // by slot
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace loom::tokens
