#include "api/checked_graph_state.hpp"
#include "io/io.hpp"
#include "report/report.hpp"
#include "runtime/executor.hpp"
#include "runtime/run_lock.hpp"

#include <loom/engine/engine.hpp>

#include <memory>
#include <thread>

namespace loom {

namespace {

int default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

bool write_stats(const std::string& path, const RunStats& stats, std::vector<Diagnostic>& diags) {
  try {
    auto out = io::Output::open(path, LOOM_CODEC_NONE);
    out->write(stats_to_json(stats));
    out->commit();
    return true;
  } catch (const std::exception& e) {
    Diagnostic d;
    d.severity = Severity::warning;
    d.message = std::string("could not write run statistics: ") + e.what();
    diags.push_back(std::move(d));
    return false;
  }
}

// out/stats.json -> out/stats.resume.json; no stats file, no manifest.
std::string manifest_path_beside(const std::string& stats_path) {
  if (stats_path.empty()) return {};
  const std::string suffix = ".json";
  const bool json =
      stats_path.size() > suffix.size() &&
      stats_path.compare(stats_path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (json ? stats_path.substr(0, stats_path.size() - suffix.size()) : stats_path) +
         ".resume.json";
}

// One manifest per rank of a distributed run, so that each rank checkpoints and resumes its own
// share: stats.resume.json -> stats.resume.rank1-of-4.json.
std::string manifest_path_of_rank(const std::string& path, int rank, int ranks) {
  if (path.empty() || ranks <= 1) return path;
  const std::string suffix = ".json";
  const bool json = path.size() > suffix.size() &&
                    path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  return (json ? path.substr(0, path.size() - suffix.size()) : path) + ".rank" +
         std::to_string(rank) + "-of-" + std::to_string(ranks) + (json ? suffix : "");
}

// Runs the graph; `stats_path` is set to where its statistics go once it ran. `run_lock` is left
// holding the output's lock (when the run has a manifest); `refused` says another run holds it,
// so that nothing at all is written.
RunResult run_and_record(const std::string& graph_path, const RunOptions& options,
                         std::string& stats_path, runtime::RunLock& run_lock, bool& refused) {
  io::HttpSettings http = io::http_settings();
  http.max_retries = options.http_max_retries;
  http.initial_backoff_seconds = options.http_backoff_seconds;
  io::configure_http(http);
  RunResult result;
  CheckOptions check;
  check.variables = options.variables;
  check.plugin_paths = options.plugin_paths;
  check.rank_count = options.rank_count;
  CheckedGraph checked = check_graph(graph_path, check);
  result.diagnostics = std::move(checked.diagnostics());
  if (has_errors(result.diagnostics)) {
    result.exit_code = exit_config_error;
    return result;
  }
  const GraphSpec& spec = checked.spec();
  const BoundGraph& bound = bound_graph(checked);

  runtime::ExecutionSettings settings;
  settings.threads = options.threads > 0 ? options.threads : default_threads();
  settings.batch_bytes = options.batch_bytes == 0 ? (1u << 20) : options.batch_bytes;
  settings.max_batches_in_flight =
      options.max_batches_in_flight > 0
          ? options.max_batches_in_flight
          : std::max<std::size_t>(8, 4 * static_cast<std::size_t>(settings.threads));
  settings.task_index = options.task_index;
  settings.task_count = std::max(1, options.task_count);
  settings.rank_index = options.rank_index;
  settings.rank_count = std::max(1, options.rank_count);
  settings.on_progress = options.on_progress;
  settings.interrupt = options.interrupt;
  settings.buffer_memory_bytes = options.buffer_memory_mb << 20;
  settings.spill_dir = options.spill_dir;
  settings.reread_sources = !options.spool_whole_input;
  settings.batch_timeout_seconds = options.batch_timeout_seconds;
  if (options.on_stall) {
    // The CLI's handler exits without unwinding: the lock file goes first.
    settings.on_stall = [&run_lock, on_stall = options.on_stall](const std::string& error) {
      run_lock.release();
      on_stall(error);
    };
  }

  stats_path = !options.stats_path.empty() ? options.stats_path : spec.stats_path;
  settings.manifest_path = manifest_path_of_rank(
      !options.manifest_path.empty() ? options.manifest_path : manifest_path_beside(stats_path),
      settings.rank_index, settings.rank_count);
  settings.checkpoint_seconds = options.checkpoint_seconds;
  settings.restart = options.restart;
  settings.collect_report = !options.report_path.empty();
  for (const std::string& path : {stats_path, settings.manifest_path, options.report_path})
    if (!path.empty()) settings.engine_outputs.push_back(path);

  // One run per output, decided before anything is read, written or removed (run_lock.hpp).
  if (!settings.manifest_path.empty()) {
    std::string error;
    if (!run_lock.take(settings.manifest_path, error)) {
      Diagnostic d;
      d.message = error;
      result.diagnostics.push_back(std::move(d));
      result.exit_code = exit_runtime_error;
      refused = true;
      return result;
    }
  }
  runtime::remove_stale_spills(settings.spill_dir);

  result.stats.graph = graph_path;
  const bool ok = runtime::execute(bound, settings, result.stats, result.diagnostics);
  result.exit_code = ok ? exit_ok : exit_runtime_error;
  return result;
}

}  // namespace

RunResult run_graph(const std::string& graph_path, const RunOptions& options) {
  std::string stats_path;
  runtime::RunLock run_lock;
  bool refused = false;
  RunResult result = run_and_record(graph_path, options, stats_path, run_lock, refused);
  // A distributed run: every rank gets here, whatever happened to it; afterwards rank 0 holds the
  // job's result and writes the files.
  if (options.combine_ranks) options.combine_ranks(result);
  if (options.rank_index != 0) {
    run_lock.release();  // rank 0 writes the job's files; this rank is done with its output
    return result;
  }
  // Nothing is written over the files of the run that holds the output.
  if (refused) return result;
  if (!stats_path.empty()) {
    result.stats.status = result.exit_code == exit_ok ? "succeeded" : "failed";
    if (write_stats(stats_path, result.stats, result.diagnostics)) result.stats_path = stats_path;
  }
  // Written whatever happened (an invalid graph, a failed run), so the page can show why.
  if (!options.report_path.empty()) {
    const std::string error = report::write_report(options.report_path, result, graph_path);
    if (error.empty()) {
      result.report_path = options.report_path;
    } else {
      Diagnostic d;
      d.severity = Severity::warning;
      d.message = "could not write the run report: " + error;
      result.diagnostics.push_back(std::move(d));
    }
  }
  run_lock.release();
  return result;
}

}  // namespace loom
