// One created component, and every call the runtime makes on it. A call returns the plugin's
// error as a value (never an exception) and does, here and nowhere else, what every call needs:
// the node's busy time, the per-batch time limit (--batch-timeout, watchdog.hpp) and the owner of
// the outputs the call opens (resume.hpp).
#pragma once

#include "plugin/registry.hpp"
#include "runtime/batch.hpp"
#include "runtime/node_counters.hpp"
#include "runtime/watchdog.hpp"
#include "validate/bound_graph.hpp"

#include <loom/plugin.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loom::runtime {

// A loom_error ready to be passed to a plugin call.
loom_error fresh_error();

// What a failed call said; empty when the call succeeded.
using CallFailure = std::optional<loom_error>;

// What the calls of one node are charged to, fixed when the node is created.
struct CallScope {
  NodeCounters* counters = nullptr;  // busy time; null: not counted
  Watchdog* watchdog = nullptr;      // the per-batch time limit; null: none
  const void* watched_as = nullptr;  // what the watchdog names when this node's call is late
  int output_owner = -1;             // outputs opened by prepare/write/finish belong to this node
};

class ComponentInstance {
 public:
  // Creates the component with its bound options; on failure returns null and fills `error`.
  static std::unique_ptr<ComponentInstance> create(const BoundNode& node, CallScope scope,
                                                   loom_error& error);
  ~ComponentInstance();
  ComponentInstance(const ComponentInstance&) = delete;
  ComponentInstance& operator=(const ComponentInstance&) = delete;

  const ComponentInfo& info() const { return *info_; }
  // The descriptor has this optional function (size-prefixed and non-null).
  template <class Member>
  bool provides(Member loom_component::*field) const {
    return info_->has(field) && component_->*field != nullptr;
  }

  // -- sources --
  [[nodiscard]] CallFailure list_shards(std::vector<std::string>& shards) const;
  [[nodiscard]] CallFailure open_shard(const ShardRef& shard, void*& reader);
  // Fills `batch` (whose shard is set) up to about `target_bytes` of text; `done` at the shard's
  // end.
  [[nodiscard]] CallFailure read(void* reader, Batch& batch, std::size_t target_bytes, bool& done);
  void close_shard(void* reader);
  // -- whole-input stages (first pass) --
  [[nodiscard]] CallFailure observe(const Batch& batch);  // a no-op when not provided
  // -- cleaners, filters, dedupers --
  [[nodiscard]] CallFailure process(Batch& batch);
  // -- dedupers across the ranks of a distributed run (ABI 1.3; key_exchange_stage.hpp) --
  [[nodiscard]] CallFailure export_keys(std::uint32_t round, loom_buffer* out,
                                        std::uint32_t& key_bytes, std::uint32_t& payload_bytes,
                                        bool& last_round);
  [[nodiscard]] CallFailure import_keys(std::uint32_t round, loom_str merged,
                                        std::uint32_t payload_bytes);
  // -- sinks --
  // Work on a batch ahead of its turn; `token` (null when not provided) goes to write().
  [[nodiscard]] CallFailure prepare(Batch& batch, void*& token);
  [[nodiscard]] CallFailure write(Batch& batch, void* token);
  // Sinks (ABI 1.3, a no-op when not provided): `shard`'s last batch was written.
  [[nodiscard]] CallFailure end_shard(const ShardRef& shard);
  void discard(void* token);  // a prepared token that write() will never get
  // -- every kind --
  [[nodiscard]] CallFailure finish();  // a no-op when not provided

 private:
  enum class Watch { no, yes };
  enum class Outputs { unowned, owned };
  class Guard;

  ComponentInstance(const ComponentInfo* info, void* self, CallScope scope)
      : info_(info), component_(info->component), self_(self), scope_(scope) {}
  // Runs one plugin call (a function of loom_error*, returning its status code) under this
  // node's busy timer, watchdog (for `shard`, when watched) and output owner (when owned).
  template <class Call>
  CallFailure guarded(Watch watch, const ShardRef* shard, Outputs outputs, Call&& call);

  const ComponentInfo* info_;
  const loom_component* component_;
  void* self_;
  CallScope scope_;
};

}  // namespace loom::runtime
