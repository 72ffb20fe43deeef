// Built when CMake found no MPI: a launched `loom run` must not run the whole graph once per
// rank (every rank would write every output), so joining fails with the reason.
#include "dist/job.hpp"

#include <stdexcept>

namespace loom::dist {

std::unique_ptr<Job> Job::join(const Launch& launch) {
  throw std::runtime_error(
      "this loom was built without MPI, but it was started by an MPI "
      "launcher (" +
      launch.evidence +
      "); rebuild with OpenMPI installed (libopenmpi-dev) or run it "
      "without mpirun/srun");
}

bool built_with_mpi() { return false; }

}  // namespace loom::dist
