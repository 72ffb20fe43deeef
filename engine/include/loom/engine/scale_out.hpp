// Scale-out on MPI for programs that run graphs (docs/guides/scale-out.md): a process started by
// an MPI launcher joins the job, runs its rank's part of every source's shards, and the ranks'
// outcomes are combined at rank 0, which alone writes the statistics and the report page.
#pragma once

#include <loom/engine/engine.hpp>

#include <atomic>
#include <memory>
#include <string>

namespace loom {

namespace dist {
class Job;
}

class ScaleOutJob {
 public:
  // Joins the MPI job when an MPI launcher (mpirun, srun --mpi=pmix) started this process; null
  // when none did (MPI is then never initialized). Throws std::runtime_error with the reason when
  // the job cannot be joined; `launcher_rank` then holds the rank the launcher announced, so that
  // only rank 0 prints it.
  static std::unique_ptr<ScaleOutJob> join_if_launched(int& launcher_rank);
  ~ScaleOutJob();
  ScaleOutJob(const ScaleOutJob&) = delete;
  ScaleOutJob& operator=(const ScaleOutJob&) = delete;

  int rank() const;
  int size() const;
  const std::string& host() const;

  // Makes `options` run this rank's part and combine the ranks' outcomes once the run is over
  // (RunOptions::rank_index, rank_count, combine_ranks). The job must outlive the run.
  void configure(RunOptions& options);
  // From now until the run ends, another rank's failure sets `stop` (the flag RunOptions::interrupt
  // points to): this rank stops as if interrupted, keeping its checkpoints.
  void watch_for_stop(std::atomic<bool>& stop);

 private:
  explicit ScaleOutJob(std::unique_ptr<dist::Job> job);
  std::unique_ptr<dist::Job> job_;
};

}  // namespace loom
