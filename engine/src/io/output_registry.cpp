// Process-wide registry of temporary output files.
#include "io/output_registry.hpp"

#include "io/io.hpp"

#include <unistd.h>

#include <mutex>
#include <unordered_map>

namespace loom::io {

namespace {

struct Registry {
  std::mutex mutex;
  std::uint64_t next_id = 1;
  std::unordered_map<std::uint64_t, std::string> paths;
};

Registry& registry() {
  // Never destroyed: outputs may still unregister while static destructors run.
  static auto* instance = new Registry;
  return *instance;
}

}  // namespace

namespace internal {

std::uint64_t register_temporary_file(const std::string& path) {
  auto& state = registry();
  std::lock_guard lock(state.mutex);
  const std::uint64_t id = state.next_id++;
  state.paths.emplace(id, path);
  return id;
}

bool unregister_temporary_file(std::uint64_t id) {
  auto& state = registry();
  std::lock_guard lock(state.mutex);
  return state.paths.erase(id) == 1;
}

}  // namespace internal

void abort_all_open_outputs() {
  auto& state = registry();
  std::lock_guard lock(state.mutex);
  for (const auto& [id, path] : state.paths) ::unlink(path.c_str());
  state.paths.clear();
}

}  // namespace loom::io
