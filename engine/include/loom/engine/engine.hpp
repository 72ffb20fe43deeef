// The embedding API: check, test or run a graph file from a C++ program. The `loom` CLI uses
// only this (and plugins.hpp, scale_out.hpp).
#pragma once

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>
#include <loom/engine/run_observations.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
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
  // A whole-input stage's second pass: "reread" (its source read again) or "spool" (its input
  // kept); empty for other nodes (docs/runtime.md).
  std::string second_pass;
  // "reread": the batches its second pass took from memory, not from the source again.
  std::uint64_t second_pass_kept_batches = 0;
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

struct RunResult;

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
  // Such a stage fed by a source through stages that look only at the batch in hand reads the
  // source again for its second pass instead of keeping its input; true: always keep it.
  bool spool_whole_input = false;
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
  std::function<void(RunResult&)> combine_ranks;
};

// What run_graph returns: the exit code, every diagnostic, and the run's statistics.
struct RunResult {
  int exit_code = exit_ok;
  std::vector<Diagnostic> diagnostics;
  RunStats stats;
  std::string stats_path;   // where stats.json was written, if anywhere
  std::string report_path;  // where the HTML report was written, if anywhere
};

// Checks a graph file (check_graph) and, when it has no errors, runs it.
RunResult run_graph(const std::string& graph_path, const RunOptions& options);

// -- checking a graph file (`loom validate`, `loom graph`, `loom test`, and run_graph first) --

struct CheckOptions {
  Variables variables;                    // --set NAME=VALUE (the environment is consulted too)
  std::vector<std::string> plugin_paths;  // --plugin-path
  int rank_count = 1;  // > 1: also refuse nodes a distributed run cannot split yet
};

// One node of a checked graph, with its inputs as written ("node" or "node.dropped").
struct CheckedInput {
  std::string node;
  bool dropped_port = false;
};
struct CheckedNode {
  std::string id;
  NodeKind kind = NodeKind::source;
  std::string component;
  std::vector<CheckedInput> inputs;
};

// A graph file after check_graph: parsed, its plugins loaded, every node resolved to a component
// with its options bound, the wiring checked.
class CheckedGraph {
 public:
  struct State;  // the engine's side (api/checked_graph_state.hpp)
  CheckedGraph();
  CheckedGraph(CheckedGraph&&) noexcept;
  CheckedGraph& operator=(CheckedGraph&&) noexcept;
  ~CheckedGraph();

  // Every problem found, errors and warnings. The rest is usable only when none is an error.
  const std::vector<Diagnostic>& diagnostics() const;
  std::vector<Diagnostic>& diagnostics();
  bool ok() const { return !has_errors(diagnostics()); }
  const GraphSpec& spec() const;
  std::vector<CheckedNode> nodes() const;  // in the file's order
  const State& state() const;

 private:
  friend CheckedGraph check_graph(const std::string& graph_path, const CheckOptions& options);
  std::unique_ptr<State> state_;
};

// Loads the graph file, the plugins it names and checks everything, collecting every problem it
// can: configuration errors do not stop plugin loading and checking (only a file with no nodes
// does), but a plugin that fails to load skips the checks, whose "unknown component" errors would
// only repeat it. Nothing is read or written.
CheckedGraph check_graph(const std::string& graph_path, const CheckOptions& options);

// -- graph tests (`loom test`) --

struct GraphTestOutcome {
  bool passed = false;
  std::string failure;  // why it failed, over one or more lines; "" when it passed
};

// Runs one test of the graph's `tests:` block (graph.spec().tests) on the real runtime: the slice
// of the graph between `insert.at` and `expect.at`, its real components created with the graph's
// options, fed by an in-memory source and drained into an in-memory capture instead of the
// expected node. `graph` must have been checked without errors.
GraphTestOutcome run_graph_test(const CheckedGraph& graph, const TestSpec& test, int threads);

// -- plugin log lines --

// Where plugins' log lines go; an empty function restores the default (stderr, one line each).
// The CLI redirects them around its progress line.
void set_log_sink(std::function<void(int level, std::string_view message)> sink);
// "debug", "info", "warning", "error".
const char* log_level_name(int level);

// Renders diagnostics for the terminal, reading each one's file for the source line.
std::string render_all(const std::vector<Diagnostic>& diagnostics);

// stats.json text for a run.
std::string stats_to_json(const RunStats& stats);

}  // namespace loom
