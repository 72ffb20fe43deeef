// Exclusions: documents that leave a filter or deduper through its `dropped` port carry, in
// their metadata, which node dropped them and why, so an exclusion sink's output explains itself.
#pragma once

#include "runtime/batch.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace loom::runtime {

// The meta keys the engine adds to a document leaving through a `dropped` port.
inline constexpr std::string_view kDroppedByKey = "dropped_by";
inline constexpr std::string_view kDropReasonKey = "drop_reason";

// For every document of `dropped` (all marked dropped): appends `dropped_by: <node_id>` and
// `drop_reason: <reason>` at the end of its meta (moving them there if a previous node set
// them) and clears the drop mark, so the nodes downstream of the port see an ordinary document.
void mark_exclusions(Batch& dropped, std::string_view node_id);

bool is_dropped(const Document& doc);

// Counts the documents of `batch` by drop reason into `reasons`; returns how many are kept.
std::uint64_t count_drops(const Batch& batch,
                          std::map<std::string, std::uint64_t, std::less<>>& reasons);

}  // namespace loom::runtime
