#include "dist/launch.hpp"

#include <cstdlib>

namespace loom::dist {

namespace {

int number_or_zero(const char* text) {
  if (text == nullptr) return 0;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return end != text && *end == '\0' && value > 0 && value < (1L << 30) ? static_cast<int>(value)
                                                                        : 0;
}

}  // namespace

std::optional<Launch> detect_launch() {
  struct Evidence {
    const char* marker;
    const char* size;
    const char* rank;
  };
  static constexpr Evidence kLaunchers[] = {
      {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
      {"PMIX_RANK", "PMIX_SIZE", "PMIX_RANK"},
      {"PMI_RANK", "PMI_SIZE", "PMI_RANK"},
  };
  for (const Evidence& e : kLaunchers) {
    const char* value = std::getenv(e.marker);
    if (value == nullptr) continue;
    Launch launch;
    launch.evidence = std::string(e.marker) + "=" + value;
    launch.size = number_or_zero(std::getenv(e.size));
    launch.rank = number_or_zero(std::getenv(e.rank));
    return launch;
  }
  return std::nullopt;
}

}  // namespace loom::dist
