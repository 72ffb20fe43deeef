// What the quality rule filters share: filter or annotate mode, the meta field names built once
// from a prefix, and ratios that are 0 (not NaN) when there is nothing to divide by.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace loom::quality {

inline constexpr const char* mode_values[] = {"filter", "annotate"};

inline constexpr const char* mode_doc =
    "filter: drop a document at the first rule it fails, with that rule's reason, and write "
    "the measured values into meta; annotate: only write the values (how each is counted: "
    "docs/reference/quality-rules.md)";

// a / b, or 0 when b is 0: an empty document has no ratio to exceed (and meta never gets NaN).
inline double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

// Throws a configuration error when a lower bound exceeds an upper bound that is set (> 0).
void check_bounds(std::string_view min_name, double min, std::string_view max_name, double max);

// Meta keys <prefix><name>, built once per component.
inline std::string meta_key(std::string_view prefix, std::string_view name) {
  return std::string(prefix) + std::string(name);
}

}  // namespace loom::quality
