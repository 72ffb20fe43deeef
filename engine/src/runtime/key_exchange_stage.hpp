// A deduper's key exchange across the ranks of a distributed run (docs/guides/scale-out.md):
// between its first pass (observe) and its second (process), the stage exports its keys, the
// engine merges them over the job (dist/key_exchange.hpp) and the stage imports the result.
#pragma once

#include "runtime/component_instance.hpp"

#include <cstddef>
#include <string>

namespace loom::runtime {

// Whether the stage exchanges keys in a run of `rank_count` ranks (it then runs whole-input).
bool exchanges_keys(const ComponentInfo& info, int rank_count);
// Whether the stage sees its whole input before it emits: its own flag, or exchanging keys.
bool runs_whole_input(const ComponentInfo& info, int rank_count);

struct KeyExchangeOutcome {
  std::string error;       // empty: the stage has imported the job's keys
  bool peer_left = false;  // another rank's run failed, so the exchange could not happen
};

// Collective over the job's ranks (each calls it for the same stages, in the same order). The
// exchange's buffers take about `memory_budget` bytes per pass (at least 16 MB: passes cost a
// round trip each), in as many passes as that needs.
KeyExchangeOutcome exchange_stage_keys(ComponentInstance& instance, std::size_t memory_budget);

}  // namespace loom::runtime
