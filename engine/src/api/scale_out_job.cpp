#include "dist/combine.hpp"
#include "dist/job.hpp"
#include "dist/launch.hpp"

#include <loom/engine/scale_out.hpp>

namespace loom {

ScaleOutJob::ScaleOutJob(std::unique_ptr<dist::Job> job) : job_(std::move(job)) {}
ScaleOutJob::~ScaleOutJob() = default;

std::unique_ptr<ScaleOutJob> ScaleOutJob::join_if_launched(int& launcher_rank) {
  const auto launch = dist::detect_launch();
  if (!launch) return nullptr;
  launcher_rank = launch->rank;
  return std::unique_ptr<ScaleOutJob>(new ScaleOutJob(dist::Job::join(*launch)));
}

int ScaleOutJob::rank() const { return job_->rank(); }
int ScaleOutJob::size() const { return job_->size(); }
const std::string& ScaleOutJob::host() const { return job_->host(); }

void ScaleOutJob::configure(RunOptions& options) {
  options.rank_index = job_->rank();
  options.rank_count = job_->size();
  options.combine_ranks = [this](RunResult& result) { dist::combine_ranks(*job_, result); };
}

void ScaleOutJob::watch_for_stop(std::atomic<bool>& stop) { job_->watch_for_stop(stop); }

}  // namespace loom
