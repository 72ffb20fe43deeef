#include "dist/combine.hpp"

#include "dist/job_stats.hpp"
#include "dist/rank_outcome_wire.hpp"

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

std::string rank_names(const std::vector<int>& ranks, const std::vector<RankOutcome>& outcomes) {
  std::string names = ranks.size() == 1 ? "rank " : "ranks ";
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0) names += ", ";
    names +=
        std::to_string(ranks[i]) + " (" + outcomes[static_cast<std::size_t>(ranks[i])].host + ")";
  }
  return names;
}

// Each distinct diagnostic once, in rank order; one every rank printed (an invalid graph) needs no
// note, one only some ranks hit (a bad shard) says which.
std::vector<Diagnostic> unique_diagnostics(const std::vector<RankOutcome>& outcomes) {
  // A rank stopped because another failed says it "was interrupted" (runtime/executor.cpp): the
  // cause is enough. Its other errors (its own failure, raced with the stop) still show.
  const auto stop_echo = [](const RankOutcome& r, const Diagnostic& d) {
    const std::string_view tail = " was interrupted";
    return r.stopped_by_peer && d.message.size() >= tail.size() &&
           d.message.compare(d.message.size() - tail.size(), tail.size(), tail) == 0;
  };
  bool cause_known = false;
  for (const RankOutcome& r : outcomes)
    for (const Diagnostic& d : r.diagnostics)
      cause_known |= d.severity == Severity::error && !stop_echo(r, d);
  std::vector<std::pair<Diagnostic, std::vector<int>>> seen;
  for (std::size_t r = 0; r < outcomes.size(); ++r) {
    for (const Diagnostic& d : outcomes[r].diagnostics) {
      if (cause_known && stop_echo(outcomes[r], d)) continue;
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
    if (ranks.size() < outcomes.size())
      d.notes.push_back("reported by " + rank_names(ranks, outcomes) + " of " +
                        std::to_string(outcomes.size()) + " ranks");
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

void combine_ranks(Job& job, RunResult& result) {
  const bool stopped_by_peer = job.end_stop_watch(result.exit_code != exit_ok);
  const int agreed = job.max_over_ranks(result.exit_code);
  RankOutcome mine;
  mine.host = job.host();
  mine.exit_code = result.exit_code;
  mine.stopped_by_peer = stopped_by_peer;
  mine.bytes_exchanged = job.bytes_exchanged();
  mine.stats = result.stats;
  mine.diagnostics = result.diagnostics;
  const std::vector<std::string> parts = job.gather_at_root(encode_rank_outcome(mine));
  result.exit_code = agreed;
  if (job.rank() != 0) {
    result.diagnostics.clear();
    return;
  }
  std::vector<RankOutcome> outcomes;
  for (const std::string& part : parts) outcomes.push_back(decode_rank_outcome(part));
  const std::string graph = result.stats.graph;
  result.stats = merge_rank_stats(outcomes);
  if (result.stats.graph.empty()) result.stats.graph = graph;
  result.diagnostics = unique_diagnostics(outcomes);
  if (agreed != exit_ok && !has_errors(result.diagnostics)) {
    // Cannot happen unless a rank failed without saying why; the job must still not look fine.
    for (std::size_t r = 0; r < outcomes.size(); ++r) {
      if (outcomes[r].exit_code == exit_ok) continue;
      Diagnostic d;
      d.message = "rank " + std::to_string(r) + " (" + outcomes[r].host + ") exited with code " +
                  std::to_string(outcomes[r].exit_code) + " without a diagnostic";
      result.diagnostics.push_back(std::move(d));
    }
  }
}

}  // namespace loom::dist
