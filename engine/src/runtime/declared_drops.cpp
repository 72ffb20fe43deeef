#include "runtime/declared_drops.hpp"

#include <cstdlib>
#include <string_view>

namespace loom {

bool checks_declared_drops() {
#ifndef NDEBUG
  return true;
#else
  static const bool enabled = [] {
    const char* value = std::getenv("LOOM_CHECK_DECLARED");
    return value != nullptr && std::string_view(value) == "1";
  }();
  return enabled;
#endif
}

std::string undeclared_drop_reason(
    const ComponentInfo& component,
    const std::map<std::string, std::uint64_t, std::less<>>& reasons) {
  if (reasons.empty() || !component.drop_reasons || !checks_declared_drops()) return {};
  for (const auto& [reason, count] : reasons) {
    if (is_declared(*component.drop_reasons, reason)) continue;
    std::string declared;
    for (const DeclaredName& d : *component.drop_reasons)
      declared += (declared.empty() ? "" : ", ") + d.name;
    return "dropped a document for reason '" + reason + "', which component '" + component.name +
           "' does not declare (declared: " + (declared.empty() ? "none" : declared) + ")";
  }
  return {};
}

}  // namespace loom
