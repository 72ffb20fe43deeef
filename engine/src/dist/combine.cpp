#include "dist/combine.hpp"

#include "dist/job_stats.hpp"
#include "dist/rank_report_wire.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace loom::dist {

namespace {

std::string diagnostic_key(const Diagnostic& d) {
  return std::to_string(static_cast<int>(d.severity)) + '\n' + d.file + '\n' +
         std::to_string(d.mark.line) + ':' + std::to_string(d.mark.column) + '\n' + d.message;
}

std::string rank_names(const std::vector<int>& ranks, const std::vector<RankReport>& reports) {
  std::string names = ranks.size() == 1 ? "rank " : "ranks ";
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) names += ", ";
    names +=
        std::to_string(ranks[i]) + " (" + reports[static_cast<std::size_t>(ranks[i])].host + ")";
  }
  return names;
}

// Each distinct diagnostic once, in rank order; one every rank printed (an invalid graph) needs no
// note, one only some ranks hit (a bad shard) says which.
std::vector<Diagnostic> unique_diagnostics(const std::vector<RankReport>& reports) {
  // A rank stopped because another failed says it "was interrupted" (runtime/executor.cpp): the
  // cause is enough. Its other errors (its own failure, raced with the stop) still show.
  const auto stop_echo = [](const RankReport& r, const Diagnostic& d) {
    const std::string_view tail = " was interrupted";
    return r.stopped_by_peer && d.message.size() >= tail.size() &&
           d.message.compare(d.message.size() - tail.size(), tail.size(), tail) == 0;
  };
  bool cause_known = false;
  for (const RankReport& r : reports)
    for (const Diagnostic& d : r.diagnostics)
      cause_known |= d.severity == Severity::error && !stop_echo(r, d);
  std::vector<std::pair<Diagnostic, std::vector<int>>> seen;
  for (std::size_t r = 0; r < reports.size(); ++r) {
    for (const Diagnostic& d : reports[r].diagnostics) {
      if (cause_known && stop_echo(reports[r], d)) continue;
      const std::string key = diagnostic_key(d);
      auto it = std::find_if(seen.begin(), seen.end(),
                             [&](const auto& have) { return diagnostic_key(have.first) == key; });
      if (it == seen.end()) {
        seen.emplace_back(d, std::vector<int>{static_cast<int>(r)});
      } else if (it->second.back() != static_cast<int>(r)) {
        it->second.push_back(static_cast<int>(r));
      }
    }
  }
  std::vector<Diagnostic> out;
  for (auto& [d, ranks] : seen) {
    if (ranks.size() < reports.size())
      d.notes.push_back("reported by " + rank_names(ranks, reports) + " of " +
                        std::to_string(reports.size()) + " ranks");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

void combine_ranks(Job& job, RunResult& report) {
  const bool stopped_by_peer = job.end_stop_watch(report.exit_code != exit_ok);
  const int agreed = job.max_over_ranks(report.exit_code);
  RankReport mine;
  mine.host = job.host();
  mine.exit_code = report.exit_code;
  mine.stopped_by_peer = stopped_by_peer;
  mine.bytes_exchanged = job.bytes_exchanged();
  mine.stats = report.stats;
  mine.diagnostics = report.diagnostics;
  const std::vector<std::string> parts = job.gather_at_root(encode_rank_report(mine));
  report.exit_code = agreed;
  if (job.rank() != 0) {
    report.diagnostics.clear();
    return;
  }
  std::vector<RankReport> reports;
  for (const std::string& part : parts) reports.push_back(decode_rank_report(part));
  const std::string graph = report.stats.graph;
  report.stats = merge_rank_stats(reports);
  if (report.stats.graph.empty()) report.stats.graph = graph;
  report.diagnostics = unique_diagnostics(reports);
  if (agreed != exit_ok && !has_errors(report.diagnostics)) {
    // Cannot happen unless a rank failed without saying why; the job must still not look fine.
    for (std::size_t r = 0; r < reports.size(); ++r) {
      if (reports[r].exit_code == exit_ok) continue;
      Diagnostic d;
      d.message = "rank " + std::to_string(r) + " (" + reports[r].host + ") exited with code " +
                  std::to_string(reports[r].exit_code) + " without a diagnostic";
      report.diagnostics.push_back(std::move(d));
    }
  }
}

}  // namespace loom::dist
