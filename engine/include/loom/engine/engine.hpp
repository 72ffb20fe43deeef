// The embedding API: run or check a graph file from a C++ program.
#pragma once

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>
#include <loom/engine/run_observations.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace loom {

// Exit codes shared by the CLI and embedders.
inline constexpr int exit_ok = 0;
inline constexpr int exit_runtime_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_config_error = 78;  // EX_CONFIG

struct NodeStats {
  std::string id;
  std::string component;
  std::string kind;
  std::uint64_t batches = 0;
  std::uint64_t docs_in = 0;
  std::uint64_t docs_kept = 0;  // sources: documents read; sinks: documents written
  std::uint64_t docs_dropped = 0;
  std::map<std::string, std::uint64_t> dropped_by_reason;
  std::uint64_t bytes_in = 0;                // text bytes of the documents that entered
  double busy_seconds = 0;                   // time spent inside the component
  std::vector<std::string> inputs;           // "node" or "node.dropped", as in the graph file
  std::vector<MetaFieldSample> meta_fields;  // only when the run collects a report
  // Exact sums of the integer meta fields the node added (e.g. token_count's), every run.
  std::map<std::string, std::int64_t> meta_totals;
};

// One rank of a distributed run (docs/guides/scale-out.md).
struct RankStats {
  int rank = 0;
  std::string host;
  std::string status;  // "succeeded", "failed", or "stopped" (by another rank's failure)
  std::uint64_t shards_done = 0;
  std::uint64_t docs_read = 0;
  std::uint64_t bytes_read = 0;
  double busy_seconds = 0;  // summed over the rank's nodes
  double wall_seconds = 0;
  std::uint64_t bytes_exchanged = 0;  // sent to and received from other ranks (dedup keys)
};

struct RunStats {
  std::string graph;
  std::string status;  // "succeeded" or "failed"
  int threads = 0;
  int task_index = 0;
  int task_count = 1;
  std::uint64_t shards_total = 0;
  std::uint64_t shards_done = 0;
  std::uint64_t docs_read = 0;
  std::uint64_t bytes_read = 0;  // text bytes produced by sources
  double wall_seconds = 0;
  std::vector<NodeStats> nodes;
  std::vector<TimelinePoint> timeline;  // only when the run collects a report
  std::vector<RankStats> ranks;         // a distributed run's ranks; empty for one process
};

// What a progress display sees, sampled while a run goes on.
struct Progress {
  std::uint64_t docs_read = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t shards_done = 0;
  std::uint64_t shards_total = 0;
  double elapsed_seconds = 0;
};

struct RunReport;

struct RunOptions {
  Variables variables;                    // --set NAME=VALUE (the environment is consulted too)
  std::vector<std::string> plugin_paths;  // --plugin-path
  int threads = 0;                        // 0: all cores
  int task_index = 0;                     // --task I/N: process shards [I*n/N, (I+1)*n/N)
  int task_count = 1;
  std::size_t batch_bytes = 1u << 20;                // text per batch a source aims for
  std::size_t max_batches_in_flight = 0;             // 0: 4 per thread, at least 8
  std::string stats_path;                            // "" = the graph's `stats:` key, else no file
  std::function<void(const Progress&)> on_progress;  // called about twice a second
  const std::atomic<bool>* interrupt = nullptr;      // set it (e.g. on SIGINT) to stop the run
  int http_max_retries = 5;           // per http(s) input, on 5xx/429/timeouts/broken transfers
  double http_backoff_seconds = 0.5;  // first wait between retries; doubles each time
  // Stages that see their whole input before emitting (LOOM_FLAG_WHOLE_INPUT) keep up to this
  // much of it in memory each, and spill the rest to a folder made in spill_dir ("" = $TMPDIR or
  // /tmp), removed when the run ends; folders that killed runs left there go when a run starts.
  std::size_t buffer_memory_mb = 1024;
  std::string spill_dir;
  double batch_timeout_seconds = 0;  // a plugin call on one batch longer than this fails the run
  // Called when a timed-out call still has not returned 2 s after the run was cancelled (a stuck
  // plugin cannot be interrupted); the CLI prints the error and exits. Unset: the run waits.
  std::function<void(const std::string& error)> on_stall;
  // Resume after a crash (docs/runtime.md): each sink records a checkpoint in the manifest at most
  // this often (0: no checkpoints, no resume). The manifest is `manifest_path`, else beside the
  // stats file (stats.json -> stats.resume.json), else there is none. A run with a manifest holds
  // <manifest>.lock while it runs: a second run on it (in this process or another) is refused.
  double checkpoint_seconds = 30;
  std::string manifest_path;
  bool restart = false;     // ignore an existing manifest and start over
  std::string report_path;  // "" = none; else an HTML report, written even on failure
  // One rank of a distributed run (docs/guides/scale-out.md): this process runs part rank_index
  // of rank_count of its task's shards of every source. `combine_ranks` (set by whoever joined
  // the job) is called on every rank once the run is over, before stats and report are written:
  // it makes rank 0's report the job's (exit code agreed by all ranks); only rank 0 writes them.
  int rank_index = 0;
  int rank_count = 1;
  std::function<void(RunReport&)> combine_ranks;
};

struct RunReport {
  int exit_code = exit_ok;
  std::vector<Diagnostic> diagnostics;
  RunStats stats;
  std::string stats_path;   // where stats.json was written, if anywhere
  std::string report_path;  // where the HTML report was written, if anywhere
};

// Loads plugins, parses, validates and runs a graph file.
RunReport run_graph(const std::string& graph_path, const RunOptions& options);

// Renders diagnostics for the terminal, reading each one's file for the source line.
std::string render_all(const std::vector<Diagnostic>& diagnostics);

// stats.json text for a run.
std::string stats_to_json(const RunStats& stats);

}  // namespace loom
