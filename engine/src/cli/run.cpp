#include "base/text.hpp"
#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>
#include <loom/engine/scale_out.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace loom::cli {

namespace {

std::atomic<bool> interrupt_requested{false};

extern "C" void on_interrupt(int) { interrupt_requested.store(true); }

// One status line on stderr, redrawn in place; plugin log lines clear it before printing.
class ProgressLine {
 public:
  void update(const Progress& p) {
    std::lock_guard lock(mutex_);
    const double seconds = p.elapsed_seconds > 0 ? p.elapsed_seconds : 1e-9;
    char line[256];
    std::snprintf(
        line, sizeof line, "\r\033[K%s docs  %s  %s/s  %.0f docs/s  shards %llu/%llu  %.0fs",
        human_count(static_cast<double>(p.docs_read)).c_str(),
        human_bytes(static_cast<double>(p.bytes_read)).c_str(),
        human_bytes(static_cast<double>(p.bytes_read) / seconds).c_str(),
        static_cast<double>(p.docs_read) / seconds, static_cast<unsigned long long>(p.shards_done),
        static_cast<unsigned long long>(p.shards_total), p.elapsed_seconds);
    std::fputs(line, stderr);
    std::fflush(stderr);
    shown_ = true;
  }
  void log(int level, std::string_view message) {
    std::lock_guard lock(mutex_);
    if (shown_) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s: %.*s\n", log_level_name(level), static_cast<int>(message.size()),
                 message.data());
  }
  void end() {
    std::lock_guard lock(mutex_);
    if (shown_) std::fputs("\n", stderr);
    shown_ = false;
  }

 private:
  std::mutex mutex_;
  bool shown_ = false;
};

bool parse_task(const std::string& text, int& index, int& count) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    std::size_t used = 0;
    index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) return false;
    count = std::stoi(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) return false;
  } catch (const std::exception&) {
    return false;
  }
  return count >= 1 && index >= 0 && index < count;
}

void print_summary(const RunResult& result) {
  const RunStats& s = result.stats;
  std::fprintf(stderr, "%s: %llu docs, %s read from %llu/%llu shards in %.2fs\n",
               result.exit_code == 0 ? "done" : "stopped",
               static_cast<unsigned long long>(s.docs_read),
               human_bytes(static_cast<double>(s.bytes_read)).c_str(),
               static_cast<unsigned long long>(s.shards_done),
               static_cast<unsigned long long>(s.shards_total), s.wall_seconds);
  for (const NodeStats& n : s.nodes) {
    std::string line = "  " + n.id + " (" + n.component + "): in " + std::to_string(n.docs_in) +
                       ", kept " + std::to_string(n.docs_kept);
    if (n.docs_dropped > 0) {
      line += ", dropped " + std::to_string(n.docs_dropped) + " (";
      bool first = true;
      for (const auto& [reason, count] : n.dropped_by_reason) {
        line += (first ? "" : ", ") + reason + " " + std::to_string(count);
        first = false;
      }
      line += ")";
    }
    char busy[32];
    std::snprintf(busy, sizeof busy, ", busy %.2fs", n.busy_seconds);
    std::fprintf(stderr, "%s%s\n", line.c_str(), busy);
  }
  for (const RankStats& r : s.ranks)
    std::fprintf(stderr, "  rank %d (%s): %s, %llu docs from %llu shards, busy %.2fs, wall %.2fs\n",
                 r.rank, r.host.c_str(), r.status.c_str(),
                 static_cast<unsigned long long>(r.docs_read),
                 static_cast<unsigned long long>(r.shards_done), r.busy_seconds, r.wall_seconds);
  if (!result.stats_path.empty())
    std::fprintf(stderr, "statistics: %s\n", result.stats_path.c_str());
  if (!result.report_path.empty()) std::fprintf(stderr, "report: %s\n", result.report_path.c_str());
}

}  // namespace

void register_run(CLI::App& app, Context& ctx) {
  struct Args {
    std::string graph;
    int threads = 0;
    std::string task = "0/1";
    std::string stats;
    std::string report;
    std::size_t batch_bytes = 1u << 20;
    int http_retries = 5;
    double http_backoff = 0.5;
    std::size_t buffer_memory_mb = 1024;
    std::string spill_dir;
    bool spool_whole_input = false;
    double batch_timeout = 0;
    double checkpoint_seconds = 30;
    std::string manifest;
    bool restart = false;
    bool quiet = false;
    bool progress = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("run", "Run a graph file");
  cmd->add_option("graph", args->graph, "The graph file (YAML)")->required();
  cmd->add_option("--set", ctx.sets, "Set a graph variable: NAME=VALUE (repeatable)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->add_option("--task", args->task,
                  "Process only task I of N: input shards [I*n/N, (I+1)*n/N) of each source "
                  "(under mpirun, split again across the ranks)");
  cmd->add_option("--stats", args->stats,
                  "Write run statistics (JSON) here (default: the graph's `stats:` key)");
  cmd->add_option("--report", args->report,
                  "Write a self-contained HTML page about the run here (graph, documents per "
                  "node, drop reasons, throughput over time, histograms of numeric meta fields "
                  "nodes add); also written when the run fails");
  cmd->add_option("--batch-bytes", args->batch_bytes,
                  "Text bytes a source puts in one batch (default 1048576)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
  cmd->add_option(
         "--http-retries", args->http_retries,
         "Retries per http(s) input on 5xx, 429, timeouts and broken transfers (default 5)")
      ->check(CLI::Range(0, 100));
  cmd->add_option("--http-backoff", args->http_backoff,
                  "Seconds before the first http(s) retry; doubles each retry (default 0.5)")
      ->check(CLI::Range(0.0, 600.0));
  cmd->add_option("--buffer-memory-mb", args->buffer_memory_mb,
                  "Memory each whole-input stage (e.g. ccnet_line_dedup) keeps its input in "
                  "before spilling to disk (one that reads its source again keeps a sixteenth "
                  "of it, whole shards, and rereads the rest), and the buffers of one pass of a "
                  "dedup exchange across MPI ranks (default 1024)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 24));
  cmd->add_option("--spill-dir", args->spill_dir,
                  "Where whole-input stages spill (default: $TMPDIR or /tmp); spill folders "
                  "that killed runs left there are removed when a run starts");
  cmd->add_flag("--spool-whole-input", args->spool_whole_input,
                "Whole-input stages keep their input for their second pass even where they "
                "could read their source again (default: read it again where the stages between "
                "look only at the batch in hand; stats.json's second_pass says which)");
  cmd->add_option("--batch-timeout", args->batch_timeout,
                  "Seconds one plugin call on one batch may take before the run is cancelled "
                  "with an error naming the node and shard (default 0: no limit)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--checkpoint-seconds", args->checkpoint_seconds,
                  "How often each sink records what it wrote in the resume manifest, so a "
                  "crashed or killed run continues from there when rerun (default 30; 0: never)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->add_option("--manifest", args->manifest,
                  "The resume manifest (default: beside the stats file, stats.resume.json); "
                  "<manifest>.lock keeps a second run off the same output while this one runs");
  cmd->add_flag("--restart", args->restart,
                "Ignore (delete) an existing resume manifest and run from the start");
  cmd->footer(
      "Documents leaving a filter's or deduper's `dropped` port carry meta `dropped_by` (the "
      "node) and `drop_reason`, so a sink on that port keeps the exclusions with their cause.\n"
      "Started by an MPI launcher (mpirun -n R, srun --mpi=pmix), each rank runs its part of "
      "every source's shards and rank 0 writes the job's statistics and report "
      "(docs/guides/scale-out.md).");
  cmd->add_flag("--quiet", args->quiet, "No progress line and no summary");
  cmd->add_flag("--progress", args->progress, "Show progress even when stderr is not a terminal");
  cmd->callback([args, &ctx] {
    RunOptions options;
    options.variables = parse_sets(ctx.sets);
    options.plugin_paths = ctx.plugin_paths;
    options.threads = args->threads;
    options.batch_bytes = args->batch_bytes;
    options.stats_path = args->stats;
    options.report_path = args->report;
    options.http_max_retries = args->http_retries;
    options.http_backoff_seconds = args->http_backoff;
    options.buffer_memory_mb = args->buffer_memory_mb;
    options.spill_dir = args->spill_dir;
    options.spool_whole_input = args->spool_whole_input;
    options.batch_timeout_seconds = args->batch_timeout;
    options.checkpoint_seconds = args->checkpoint_seconds;
    options.manifest_path = args->manifest;
    options.restart = args->restart;
    options.on_stall = [](const std::string& error) {
      // The stuck call cannot be interrupted: print the error and leave (outputs were already
      // aborted).
      Diagnostic d;
      d.message = error;
      std::fputs(("\n" + render_all({d})).c_str(), stderr);
      std::fflush(stderr);
      std::_Exit(exit_runtime_error);
    };
    if (!parse_task(args->task, options.task_index, options.task_count))
      throw CLI::ValidationError(
          "--task", "expected I/N with 0 <= I < N, e.g. 0/4; got '" + args->task + "'");
    // Started by an MPI launcher (mpirun, srun --mpi=pmix): join the job; otherwise MPI is never
    // initialized. docs/guides/scale-out.md.
    std::unique_ptr<ScaleOutJob> job;
    int launcher_rank = 0;
    try {
      job = ScaleOutJob::join_if_launched(launcher_rank);
    } catch (const std::exception& e) {
      // No way to reach the other ranks: only the one the launcher calls 0 prints.
      if (launcher_rank == 0) {
        Diagnostic d;
        d.message = e.what();
        std::fputs(render_all({d}).c_str(), stderr);
      }
      ctx.exit_code = exit_config_error;
      return;
    }
    if (job) job->configure(options);
    const bool rank0 = options.rank_index == 0;
    ProgressLine progress;
    const bool show = rank0 && !args->quiet && (args->progress || isatty(STDERR_FILENO) == 1);
    if (show) {
      options.on_progress = [&progress](const Progress& p) { progress.update(p); };
      set_log_sink(
          [&progress](int level, std::string_view message) { progress.log(level, message); });
    }
    options.interrupt = &interrupt_requested;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    // A write past the file size limit (ulimit -f) then fails with EFBIG, reported like any
    // other write error, instead of killing the process.
    std::signal(SIGXFSZ, SIG_IGN);
    if (!rank0) {
      const std::string who = "rank " + std::to_string(job->rank()) + " (" + job->host() + ")";
      set_log_sink([who](int level, std::string_view message) {
        std::fprintf(stderr, "%s: %s: %.*s\n", who.c_str(), log_level_name(level),
                     static_cast<int>(message.size()), message.data());
      });
    }
    if (job) job->watch_for_stop(interrupt_requested);
    const RunResult result = run_graph(args->graph, options);
    progress.end();
    set_log_sink({});
    if (!result.diagnostics.empty()) std::fputs(render_all(result.diagnostics).c_str(), stderr);
    if (rank0 && !args->quiet && result.exit_code != exit_config_error) print_summary(result);
    ctx.exit_code = result.exit_code;
  });
}

}  // namespace loom::cli
