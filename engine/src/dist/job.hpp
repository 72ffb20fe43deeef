// One process's membership in an MPI job: its rank, and the few collective operations a
// distributed run needs. Implemented by mpi/job_mpi.cpp, or by mpi/job_without_mpi.cpp when the
// engine was configured without MPI (then join() fails with a message saying so).
#pragma once

#include "dist/launch.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace loom::dist {

class Job {
 public:
  // Initializes MPI (thread level "funneled": only the thread that joined calls MPI) and joins
  // the job `launch` describes. Throws std::runtime_error with the reason when it cannot.
  static std::unique_ptr<Job> join(const Launch& launch);
  virtual ~Job() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual const std::string& host() const = 0;

  // A failing rank stops the others early rather than letting them run their whole share before
  // the end-of-run agreement. From this call until end_stop_watch(), a thread of this process
  // watches for another rank's stop and then sets `stop` (the flag SIGINT sets: the run stops
  // as if interrupted, keeping its checkpoints). No other MPI call may be made meanwhile.
  virtual void watch_for_stop(std::atomic<bool>& stop) = 0;
  // Collective, once the run is over. Ends the watch; if this rank `failed` and no other rank's
  // stop had reached it, tells every other rank to stop (they see it, or drain it here).
  // Returns whether another rank's stop reached this rank while it was running.
  virtual bool end_stop_watch(bool failed) = 0;

  // Collective: the largest `value` over all ranks, on every rank.
  virtual int max_over_ranks(int value) = 0;
  // Collective: rank 0 gets every rank's bytes, in rank order; the others get an empty vector.
  virtual std::vector<std::string> gather_at_root(const std::string& bytes) = 0;
};

// Whether this loom was built with MPI (find_package(MPI) succeeded at configure time).
bool built_with_mpi();

}  // namespace loom::dist
