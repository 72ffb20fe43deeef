// The run-time side of declared drop reasons (ABI 1.3): in debug builds, or when the environment
// sets LOOM_CHECK_DECLARED=1, a component that records a drop reason its descriptor does not
// declare stops the run. Called from the component call path with the reasons of one batch.
#pragma once

#include "plugin/registry.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace loom {

// Whether this process checks drop reasons: debug builds always, others when
// LOOM_CHECK_DECLARED=1 (read once).
bool checks_declared_drops();

// Empty when every reason in `reasons` is declared by the component (or when it declares no
// list, or checks are off); otherwise the failure text naming the first undeclared reason and the
// declared ones.
std::string undeclared_drop_reason(
    const ComponentInfo& component,
    const std::map<std::string, std::uint64_t, std::less<>>& reasons);

}  // namespace loom
