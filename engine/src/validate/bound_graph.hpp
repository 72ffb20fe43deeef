// A validated graph: every node resolved to a component and its options checked and converted to
// the values the C ABI passes to create().
#pragma once

#include "plugin/registry.hpp"

#include <loom/plugin.h>
#include <loom/engine/graph_spec.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace loom {

// Storage behind a loom_option_value array; pointers into it stay valid while it lives.
class BoundOptions {
 public:
  BoundOptions() = default;
  BoundOptions(const BoundOptions&) = delete;
  BoundOptions& operator=(const BoundOptions&) = delete;

  std::vector<loom_option_value> values;  // one per option spec, in spec order

  // Stable storage for strings and lists referenced by `values`.
  loom_str keep(std::string s) {
    strings_.push_back(std::move(s));
    return loom_str{strings_.back().data(), strings_.back().size()};
  }
  const loom_str* keep_list(std::vector<loom_str> items) {
    lists_.push_back(std::move(items));
    return lists_.back().data();
  }
  const std::int64_t* keep_ints(std::vector<std::int64_t> items) {
    ints_.push_back(std::move(items));
    return ints_.back().data();
  }
  const double* keep_floats(std::vector<double> items) {
    floats_.push_back(std::move(items));
    return floats_.back().data();
  }

  // Lays `values` out as the array a plugin reads: elements `stride` bytes apart (at most this
  // host's sizeof), each cut to that size. Call once `values` is final: passed() is a copy.
  void pack(std::size_t stride) {
    passed_.assign(values.size() * stride, std::byte{0});
    for (std::size_t i = 0; i < values.size(); ++i) {
      loom_option_value value = values[i];
      value.struct_size = static_cast<std::uint32_t>(stride);
      std::memcpy(passed_.data() + i * stride, &value, stride);
    }
  }
  // The packed array for validate() and create(); values.size() elements.
  const loom_option_value* passed() const {
    // operator new aligns for any fundamental type, and strides are multiples of 8.
    return reinterpret_cast<const loom_option_value*>(passed_.data());
  }

 private:
  std::deque<std::string> strings_;
  std::deque<std::vector<loom_str>> lists_;
  std::deque<std::vector<std::int64_t>> ints_;
  std::deque<std::vector<double>> floats_;
  std::vector<std::byte> passed_;
};

struct InputEdge {
  std::size_t from = 0;  // index into BoundGraph::nodes
  bool dropped_port = false;
};

struct BoundNode {
  const NodeSpec* spec = nullptr;
  const ComponentInfo* component = nullptr;
  std::unique_ptr<BoundOptions> options;
  std::vector<InputEdge> inputs;
  std::size_t source = 0;  // index of the source node this node's data comes from
};

struct BoundGraph {
  const GraphSpec* spec = nullptr;
  std::vector<BoundNode> nodes;  // same order as spec->nodes
};

// Checks the whole graph against the registry and binds options. Every problem found is appended
// to `diagnostics` (errors and warnings); the result is only usable when none is an error.
BoundGraph validate_graph(const GraphSpec& spec, const Registry& registry,
                          std::vector<Diagnostic>& diagnostics);

// Binds a component's option values from a list of entries (unknown/missing/mistyped/out of
// range reported against `node`), applying declared defaults. Used by validate_graph and by
// `loom test` fixtures.
std::unique_ptr<BoundOptions> bind_options(const NodeSpec& node, const ComponentInfo& component,
                                           const std::string& file,
                                           std::vector<Diagnostic>& diagnostics);

}  // namespace loom
