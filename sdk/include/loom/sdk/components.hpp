// loom/sdk/components.hpp: the base class of each component kind
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
#pragma once

#include <loom/sdk/host.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom {

// A drop reason or meta field a component declares (ABI 1.3, loom_declared_name): list them in
//   static constexpr loom::Declared drop_reasons[] = {{"too_short", "under min_chars"}, ...};
//   static constexpr loom::Declared meta_fields[] = {{"language", "top label, e.g. en"}, ...};
// (std::array<loom::Declared, 0> for "none"). A name ending in '*' stands for every name with
// that prefix. `loom plugins inspect` and `loom schema` show them; debug runs stop on a drop
// reason that is not declared. A component that lists neither is simply not checked.
struct Declared {
  const char* name;
  const char* description;
};

// ---------------------------------------------------------------------------------------------
// Component base classes; the kind comes from the base
// ---------------------------------------------------------------------------------------------

class ShardReader {
 public:
  virtual ~ShardReader() = default;
  // Appends documents (about target_bytes of text) to the empty batch; returns true at the end.
  virtual bool read(Batch& batch, std::size_t target_bytes) = 0;
};

class Source {
 public:
  static constexpr loom_kind kind = LOOM_KIND_SOURCE;
  static constexpr std::uint32_t flags = 0;
  virtual ~Source() = default;
  virtual std::vector<std::string> shards() = 0;
  virtual std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) = 0;
  virtual void finish() {}
};

// Cleaners, filters and dedupers share one shape: edit or drop documents in a batch.
// A component whose flags include loom::whole_input also gets observe() with every input batch,
// in order, before process() gets the first one (then process() sees the same batches again, in
// the same order): e.g. a deduper that must know every document's key before it decides.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual void observe(const Batch&) {}
  virtual void process(Batch& batch) = 0;
  virtual void finish() {}
};
class Cleaner : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_CLEANER;
  static constexpr std::uint32_t flags = thread_safe;
};
class Filter : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_FILTER;
  static constexpr std::uint32_t flags = thread_safe;
};
class Deduper : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_DEDUPER;
  static constexpr std::uint32_t flags = order_sensitive;
};

// What a sink's prepare() hands to its write().
class SinkToken {
 public:
  virtual ~SinkToken() = default;
};

class Sink {
 public:
  static constexpr loom_kind kind = LOOM_KIND_SINK;
  static constexpr std::uint32_t flags = 0;
  virtual ~Sink() = default;
  // Runs concurrently on any batch (must be thread-safe): encode, compress.
  virtual std::unique_ptr<SinkToken> prepare(Batch&) { return nullptr; }
  // Runs serially, in input order.
  virtual void write(Batch& batch, std::unique_ptr<SinkToken> token) = 0;
  virtual void finish() {}
  // A sink that declares `void end_shard(std::uint64_t shard_index)` is told, right after the
  // write() of a shard's last batch, that the shard is complete (ABI 1.3, loom_component's
  // end_shard): the moment to commit per-shard files so that no checkpoint finds them open.
};

}  // namespace loom
