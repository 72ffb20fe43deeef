// Where a resumed run starts, from what the manifest recorded (see resume.hpp).
#pragma once

#include "runtime/batch.hpp"
#include "validate/bound_graph.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loom::runtime {

struct SourceStart {
  std::size_t position = 0;           // index into the source's shard list to open first
  std::uint64_t seq = 0;              // sequence number of its first batch
  std::int64_t discard_through = -1;  // batches up to this number are read again, not sent
};

// `shard_indexes`: the source's shards in reading order (global indexes); `starts`: shard index
// -> its first sequence number, as recorded; `oldest_written`: the lowest last-written sequence
// number over the sinks this source feeds (-1: some sink wrote nothing). With `replay_all` (an
// order-sensitive node downstream must see every document again) the source restarts at zero.
SourceStart plan_source_start(const std::vector<std::uint64_t>& shard_indexes,
                              const std::map<std::uint64_t, std::uint64_t>& starts,
                              std::int64_t oldest_written, bool replay_all);

// What output bytes depend on besides input bytes: nodes, components and their plugin files
// (path, size, time), bound options, edges, batch size, task, and each source's shards (name;
// size and modification time when local).
std::string run_fingerprint(const BoundGraph& graph,
                            const std::map<std::size_t, std::vector<std::string>>& shards,
                            std::size_t batch_bytes, int task_index, int task_count);

class Resume;

// Where every node of a run starts (all from the beginning when nothing resumes).
struct ResumePlan {
  std::vector<std::int64_t> written;  // per node: a sink's last batch already written, else -1
  std::vector<SourceStart> starts;    // per node: a source's start
  std::uint64_t shards_done = 0;      // shards the sources skip, finished before the crash
};

// The shards each source of `graph` reads in this run (per node; empty for other kinds).
using RunShards = std::vector<std::vector<std::shared_ptr<const ShardRef>>>;

// Reads the manifest of `resume` (if enabled; `restart` removes it) and plans from it: sinks
// adopt the outputs they had open (io::adopt_outputs) and skip what they wrote, sources restart
// at the shard holding the oldest batch a sink they feed has not written, or at zero when a node
// they feed keeps state across batches. Returns an error message when the manifest cannot be used.
std::string plan_resume(Resume& resume, const BoundGraph& graph, const RunShards& shards,
                        std::size_t batch_bytes, int task_index, int task_count, int rank_count,
                        bool restart, ResumePlan& plan);

}  // namespace loom::runtime
