// The boundary between the engine and libloom_mpi.so (job_mpi.cpp), the module that holds every
// MPI call. Both are built from this tree with the same compiler, so C++ types and exceptions
// cross it; the module is found and loaded by job_module.cpp.
#pragma once

#include "dist/job.hpp"

namespace loom::dist {

// set_joined_job(): the module cannot call the engine's (a module sees no symbol of the program
// that loads it), so it gets it passed.
using SetJoinedJob = void (*)(Job*);

// The module's one entry point: initializes MPI and joins the job `launch` describes; throws
// std::runtime_error with the reason when it cannot. The caller owns the returned job.
#define LOOM_MPI_JOIN_FUNCTION loom_mpi_join
using JoinFunction = Job* (*)(const Launch& launch, SetJoinedJob set_joined);

}  // namespace loom::dist
