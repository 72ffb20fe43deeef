#!/usr/bin/env bash
# Run by mpirun for each rank (tests/graphs/mpi_scale_out.sh): runs loom with the given arguments
# and records this rank's exit code in $MPI_RC_DIR/rank<N>, so the test can check every rank's.
# mpirun kills the other ranks as soon as one exits non-zero, which can land between a peer's
# loom exiting (with the code the ranks agreed on) and its recording it here. So a rank whose loom
# chose a failure code (below 128: not killed by a signal) waits, half a minute at most, until
# every rank has recorded its code before it exits.
rc=0
"$@" || rc=$?
dir=${MPI_RC_DIR:?}
echo "$rc" >"$dir/rank${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-x}}"
if ((rc > 0 && rc < 128)); then
  ranks=${OMPI_COMM_WORLD_SIZE:-1}
  for ((tick = 0; tick < 600; tick++)); do
    recorded=$(find "$dir" -maxdepth 1 -name 'rank*' | wc -l)
    ((recorded >= ranks)) && break
    sleep 0.05
  done
fi
exit "$rc"
