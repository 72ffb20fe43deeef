// One process's membership in an MPI job: its rank, and the few collective operations a
// distributed run needs. Implemented by mpi/job_mpi.cpp, or by mpi/job_without_mpi.cpp when the
// engine was configured without MPI (then join() fails with a message saying so).
#pragma once

#include "dist/launch.hpp"

#include <atomic>
#include <cstdint>
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
  // stop had reached it, tells every other rank to stop (they see it, or drain it here). Also
  // leaves the key exchange (below), releasing ranks that wait for this one in an exchange step.
  // Returns whether another rank's stop reached this rank while it was running (or another
  // rank's failure ended a key exchange this rank was waiting in).
  virtual bool end_stop_watch(bool failed) = 0;

  // The key exchange of dedupers across ranks (key_exchange.hpp), on a channel of its own, so
  // that it may run while the stop watch does. begin_key_exchange() is collective over the ranks
  // that have not left: true on every rank when all are `ready` for a step; false on every rank
  // once any rank was not, or has left (its run failed: end_stop_watch), and from then on
  // without a call.
  virtual bool begin_key_exchange(bool ready) = 0;
  // Collective: sends to[r] to rank r; returns what every rank sent this one, in rank order.
  // Large transfers go in rounds of bounded buffers.
  virtual std::vector<std::string> all_to_all(const std::vector<std::string>& to) = 0;
  // Bytes this rank sent to and received from other ranks in all_to_all calls so far.
  virtual std::uint64_t bytes_exchanged() const = 0;

  // Collective: the largest `value` over all ranks, on every rank.
  virtual int max_over_ranks(int value) = 0;
  // Collective: rank 0 gets every rank's bytes, in rank order; the others get an empty vector.
  virtual std::vector<std::string> gather_at_root(const std::string& bytes) = 0;
};

// The job this process joined (at most one: MPI initializes once per process), or null. The
// job's implementation sets it when joined and clears it when it ends.
Job* joined_job();
void set_joined_job(Job* job);

// Whether this loom was built with MPI (find_package(MPI) succeeded at configure time).
bool built_with_mpi();

}  // namespace loom::dist
