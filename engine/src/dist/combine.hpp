// The end of a distributed run: every rank agrees on the exit code, and rank 0's result becomes
// the job's (statistics over all ranks, each diagnostic once).
#pragma once

#include "dist/job.hpp"

#include <loom/engine/engine.hpp>

namespace loom::dist {

// Collective: every rank of `job` must call it once, whatever happened to its run (it ends the
// stop watch the caller started with Job::watch_for_stop, if any). Afterwards
// every rank's result.exit_code is the largest over the ranks; on rank 0 the result holds the
// job's statistics and every rank's diagnostics (each once, with a note naming the ranks that
// reported it when not all did); on the other ranks its diagnostics are cleared.
void combine_ranks(Job& job, RunResult& result);

}  // namespace loom::dist
