// Scale-out on MPI (docs/guides/scale-out.md). This folder is the only place in the engine that
// knows about MPI: mpi/job_mpi.cpp is the only file that includes <mpi.h>; everything else here
// and in the rest of the engine sees plain C++ types.
#pragma once

#include <optional>
#include <string>

namespace loom::dist {

// The MPI launcher that started this process, read from the environment alone (no MPI call, no
// MPI library touched), so that `loom run` outside a launcher never starts an MPI runtime.
struct Launch {
  std::string evidence;  // e.g. "OMPI_COMM_WORLD_SIZE=3": the variable that gave it away
  int size = 1;          // ranks the launcher announced (0 when it does not say)
  int rank = 0;          // this process's rank as the launcher announced it (0 when unsaid)
};

// OMPI_COMM_WORLD_SIZE (OpenMPI's mpirun), PMIX_RANK (PMIx: srun --mpi=pmix, prterun, the MPI
// Operator's launcher), PMI_RANK (MPICH's hydra, srun --mpi=pmi2). Slurm's own SLURM_PROCID is
// not evidence: plain `srun loom run` starts independent processes, not an MPI job.
std::optional<Launch> detect_launch();

}  // namespace loom::dist
