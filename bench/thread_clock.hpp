// CPU time of the calling thread, for the single-threaded micro-benchmarks: the machine may be
// shared, and wall time would then measure the neighbours as much as the code.
#pragma once

#include <algorithm>
#include <ctime>

namespace loom::bench {

inline double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The least thread CPU time `run` took over `repeat` calls.
template <class F>
double best_seconds(int repeat, F&& run) {
  double best = 1e300;
  for (int r = 0; r < repeat; ++r) {
    const double start = thread_seconds();
    run();
    best = std::min(best, thread_seconds() - start);
  }
  return best;
}

}  // namespace loom::bench
