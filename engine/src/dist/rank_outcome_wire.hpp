// What one rank sends rank 0 at the end of a distributed run: its statistics and diagnostics, as
// bytes (a private format: every rank runs the same loom binary).
#pragma once

#include <loom/engine/engine.hpp>

#include <string>
#include <vector>

namespace loom::dist {

struct RankOutcome {
  std::string host;
  int exit_code = 0;
  bool stopped_by_peer = false;       // interrupted because another rank failed
  std::uint64_t bytes_exchanged = 0;  // dedupers' keys sent to and received from other ranks
  RunStats stats;
  std::vector<Diagnostic> diagnostics;
};

std::string encode_rank_outcome(const RankOutcome& outcome);
// Throws std::runtime_error on bytes encode_rank_outcome did not produce.
RankOutcome decode_rank_outcome(const std::string& bytes);

}  // namespace loom::dist
