// What the stages of one run share (executor.cpp owns it all): the flow graph, the settings, the
// failures, the meter and the resume state, and the in-flight budget's tickets.
#pragma once

#include "runtime/batch.hpp"
#include "runtime/executor.hpp"
#include "runtime/resume.hpp"
#include "runtime/run_failures.hpp"
#include "runtime/run_meter.hpp"

#include <oneapi/tbb/flow_graph.h>

#include <atomic>
#include <memory>

namespace loom::runtime {

namespace flow = oneapi::tbb::flow;

// An input node's in-flight budget: a batch holds a ticket that returns its slot when every
// batch derived from it is gone.
using InFlightLimit = flow::limiter_node<BatchPtr, long>;

struct RunContext {
  flow::graph& flow;
  const ExecutionSettings& settings;
  RunFailures& failures;
  RunMeter& meter;
  Resume& resume;
  // Cleared while the nodes are torn down: released tickets must not touch the limiters any more.
  const std::atomic<bool>& accepting;
  std::atomic<bool>& interrupted;  // set once a source saw the interrupt (SIGINT, SIGTERM)

  bool interrupt_requested() const {
    return settings.interrupt != nullptr && settings.interrupt->load(std::memory_order_relaxed);
  }
  std::shared_ptr<Ticket> ticket(InFlightLimit& limiter) const {
    return std::make_shared<Ticket>([accepting = &accepting, limiter = &limiter] {
      if (*accepting) limiter->decrementer().try_put(1);
    });
  }
};

}  // namespace loom::runtime
