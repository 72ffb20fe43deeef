// One process's membership in an MPI job: its rank, and the few collective operations a
// distributed run needs. Implemented by mpi/job_mpi.cpp, or by mpi/job_without_mpi.cpp when the
// engine was configured without MPI (then join() fails with a message saying so).
#pragma once

#include "dist/launch.hpp"

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

  // Collective: the largest `value` over all ranks, on every rank.
  virtual int max_over_ranks(int value) = 0;
  // Collective: rank 0 gets every rank's bytes, in rank order; the others get an empty vector.
  virtual std::vector<std::string> gather_at_root(const std::string& bytes) = 0;
};

// Whether this loom was built with MPI (find_package(MPI) succeeded at configure time).
bool built_with_mpi();

}  // namespace loom::dist
