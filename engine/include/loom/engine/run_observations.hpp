// What a run records beyond the counters of stats.json when asked to (RunOptions::report_path):
// a throughput time series and samples of the numeric meta fields each node added. Memory stays
// bounded whatever the run length (see runtime/timeline.hpp and runtime/meta_sampler.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loom {

// The counters at one moment of the run.
struct TimelinePoint {
  double seconds = 0;  // since the run started
  std::uint64_t docs_read = 0;
  std::uint64_t bytes_read = 0;
  std::vector<std::uint64_t> docs_out;  // per node, in RunStats::nodes order: NodeStats::docs_kept
};

// A numeric meta field one node added, over the documents that left it (kept and dropped apart).
struct MetaFieldSample {
  std::string field;
  std::uint64_t count_kept = 0;
  std::uint64_t count_dropped = 0;
  double min = 0;
  double max = 0;
  double sum = 0;
  // Uniform samples (reservoirs) of the values, at most a few thousand each.
  std::vector<double> sample_kept;
  std::vector<double> sample_dropped;
};

}  // namespace loom
