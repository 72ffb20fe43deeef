#!/usr/bin/env bash
# Run by mpirun for each rank (tests/graphs/mpi_scale_out.sh): runs loom with the given arguments
# and records this rank's exit code in $MPI_RC_DIR/rank<N>, so the test can check every rank's.
rc=0
"$@" || rc=$?
echo "$rc" >"${MPI_RC_DIR:?}/rank${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-x}}"
exit "$rc"
