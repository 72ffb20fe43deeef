// The engine's half of dedup across ranks (loom_component.export_keys in plugin.h): it moves a
// stage's key records to their owner ranks, merges them per key there and brings each rank the
// merged summary of its own records. No plugin code runs here and nothing here calls MPI (Job
// does).
#pragma once

#include "dist/job.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::dist {

// A record: key_bytes of key, uint64 position, uint64 count, payload_bytes of payload. A merged
// summary: uint64 position, uint64 count, payload_bytes of payload.
struct KeyLayout {
  std::uint32_t key_bytes = 0;
  std::uint32_t payload_bytes = 0;
  std::size_t record_bytes() const { return std::size_t{key_bytes} + 16 + payload_bytes; }
  std::size_t merged_bytes() const { return 16 + std::size_t{payload_bytes}; }
};

// The rank that owns `key` among `ranks` (the same on every rank and every run).
int owner_of(std::string_view key, int ranks);

// On the owner: `received[r]` holds rank r's records. Per key, the count is the sum over all
// records (saturating) and the position the smallest (ties: the lower rank, then the earlier
// record), with that record's payload. Returns for each rank the merged summary of each of its
// records, in its order. Throws std::runtime_error on records of the wrong width.
std::vector<std::string> merge_at_owner(const std::vector<std::string>& received,
                                        const KeyLayout& layout);

// Collective over the job's ranks: `records` (this rank's, in its order) go to their owners;
// returns the merged summary of each, in the same order. The ranks first agree on a number of
// passes such that the buffers of one pass (outbox, records received as owner and their merge
// table, replies) take about `memory_budget` bytes on the busiest rank; each pass exchanges the
// keys of one hash partition. `records` and the result stay whole in memory. Throws
// std::runtime_error on failure.
std::string exchange_keys(Job& job, std::string_view records, const KeyLayout& layout,
                          std::size_t memory_budget = SIZE_MAX);

}  // namespace loom::dist
