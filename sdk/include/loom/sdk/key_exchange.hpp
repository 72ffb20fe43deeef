// loom/sdk/key_exchange.hpp: dedup across the ranks of a distributed run (ABI 1.3)
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
//
// A Transform that also defines
//   void export_keys(std::uint32_t round, loom::KeyExport& out);
//   void import_keys(std::uint32_t round, const loom::MergedKeys& in);
// decides over the whole job when `mpirun -n R loom run` runs it on R > 1 ranks (see
// loom_component.export_keys in plugin.h and docs/guides/scale-out.md): observe() sees every
// batch of the rank first, then each round exports fixed-width records (key, position, count,
// payload), the engine merges them per key over all ranks (count summed, smallest position wins
// with its payload) and import_keys gets the merged summary of each exported record, in export
// order. The plugin never sees MPI; it only keeps its keys and applies its rule.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loom {

class KeyExport {
 public:
  // The round's layout; set before the first add(). `last`: no round follows this one.
  void layout(std::uint32_t key_bytes, std::uint32_t payload_bytes, bool last) {
    if (!bytes_.empty()) throw std::logic_error("KeyExport::layout after add");
    key_bytes_ = key_bytes;
    payload_bytes_ = payload_bytes;
    last_ = last;
  }
  void add(const void* key, std::uint64_t position, std::uint64_t count,
           std::string_view payload = {}) {
    if (payload.size() != payload_bytes_)
      throw std::logic_error("KeyExport::add: payload of the wrong width");
    bytes_.append(static_cast<const char*>(key), key_bytes_);
    append_u64(position);
    append_u64(count);
    bytes_.append(payload);
  }

  std::uint32_t key_bytes() const { return key_bytes_; }
  std::uint32_t payload_bytes() const { return payload_bytes_; }
  bool last() const { return last_; }
  const std::string& bytes() const { return bytes_; }

 private:
  void append_u64(std::uint64_t value) {
    char raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    bytes_.append(raw, sizeof raw);
  }
  std::uint32_t key_bytes_ = 16;
  std::uint32_t payload_bytes_ = 0;
  bool last_ = true;
  std::string bytes_;
};

// The merged summary of each exported record, in export order.
class MergedKeys {
 public:
  MergedKeys(std::string_view bytes, std::uint32_t payload_bytes)
      : bytes_(bytes), width_(16 + std::size_t{payload_bytes}) {
    if (bytes_.size() % width_ != 0) throw std::runtime_error("merged keys of the wrong width");
  }
  std::size_t size() const { return bytes_.size() / width_; }
  // The smallest position any rank exported for the record's key.
  std::uint64_t position(std::size_t i) const { return u64(i * width_); }
  // The counts of every rank's records for the key, summed (saturating).
  std::uint64_t count(std::size_t i) const { return u64(i * width_ + 8); }
  std::string_view payload(std::size_t i) const {
    return bytes_.substr(i * width_ + 16, width_ - 16);
  }

 private:
  std::uint64_t u64(std::size_t at) const {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes_.data() + at, sizeof value);
    return value;
  }
  std::string_view bytes_;
  std::size_t width_;
};

template <class T>
concept ExchangesKeys = requires(T& t, std::uint32_t round, KeyExport& out, const MergedKeys& in) {
  t.export_keys(round, out);
  t.import_keys(round, in);
};

}  // namespace loom
