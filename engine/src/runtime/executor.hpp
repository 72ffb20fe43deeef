// Runs a validated graph on oneTBB's flow graph.
//
// Each source is an input_node feeding a limiter_node: a batch holds a ticket that returns its
// slot to the limiter when every batch derived from it is gone, so memory stays bounded whatever
// the input size. Thread-safe stages run concurrently; order-sensitive stages and sink writes go
// through a reorderer that restores (sequence, input edge) order, so output bytes do not depend
// on the thread count.
#pragma once

#include "validate/bound_graph.hpp"

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/engine.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace loom::runtime {

struct ExecutionSettings {
  int threads = 1;
  std::size_t batch_bytes = 1u << 20;
  std::size_t max_batches_in_flight = 8;
  // Stages that see their whole input first keep it in memory up to this many bytes each, then
  // spill it to a private folder made in spill_dir ("" = the system's temporary folder).
  std::size_t buffer_memory_bytes = std::size_t{1024} << 20;
  std::string spill_dir;
  // A whole-input stage fed by a source through stages that only look at the batch in hand
  // reads that source again for its second pass instead of keeping its input (whole_input.hpp);
  // false: every such stage spools.
  bool reread_sources = true;
  int task_index = 0;
  int task_count = 1;
  // A distributed run (docs/guides/scale-out.md): this rank's part of the task's share.
  int rank_index = 0;
  int rank_count = 1;
  std::function<void(const Progress&)> on_progress;
  const std::atomic<bool>* interrupt = nullptr;  // set (e.g. by SIGINT) to stop the run
  // A plugin call on one batch taking longer than this cancels the run (0: no limit).
  double batch_timeout_seconds = 0;
  // Called with the error when a timed-out call has not returned 2 s after the cancel (it
  // cannot be interrupted); the CLI prints it and exits. Unset: the run waits for the call.
  std::function<void(const std::string&)> on_stall;
  // Resume (docs/runtime.md): the manifest file ("" or checkpoint_seconds <= 0: none), how often
  // each sink records a checkpoint in it, and whether to ignore an existing one.
  std::string manifest_path;
  double checkpoint_seconds = 30;
  bool restart = false;
  // Also record a throughput time series and samples of the numeric meta fields each node adds
  // (RunStats::timeline, NodeStats::meta_fields), for the HTML report.
  bool collect_report = false;
  // Files the engine itself writes (statistics, report, manifest): like every output, refused
  // when they are an input of the run, checked before the first document is read.
  std::vector<std::string> engine_outputs;
};

// Runs the graph to completion. Failures become diagnostics (one for the first runtime error);
// returns whether the run succeeded. `stats` is filled either way.
bool execute(const BoundGraph& graph, const ExecutionSettings& settings, RunStats& stats,
             std::vector<Diagnostic>& diagnostics);

// The shards of `all` that task `index` of `count` processes: [index*n/count, (index+1)*n/count).
std::pair<std::size_t, std::size_t> task_share(std::size_t shard_count, int index, int count);

// The shards of `all` that rank `rank` of `ranks` of task `index` of `count` processes: the task's
// share, split again the same way, so that the ranks of a task cover exactly that task's shards.
std::pair<std::size_t, std::size_t> rank_share(std::size_t shard_count, int index, int count,
                                               int rank, int ranks);

}  // namespace loom::runtime
