// What the plugins provide, for programs that list or describe components (`loom plugins`,
// `loom schema`) and for the engine's own registry (plugin/registry.hpp): each loaded plugin, and
// each component with its descriptor (the C ABI's loom_component), kind, flags and option specs.
#pragma once

#include <loom/plugin.h>
#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Bytes a size-prefixed struct must have for the host to read fields up to and including `last`.
#define LOOM_SIZE_THROUGH(type, last) (offsetof(type, last) + sizeof(type::last))

namespace loom {

// The option value layout of ABI 1.0 and 1.1, whose plugins index values by that sizeof.
inline constexpr std::size_t legacy_option_value_size = LOOM_SIZE_THROUGH(loom_option_value, count);

// A drop reason or meta field a component declares in its descriptor (ABI 1.3).
struct DeclaredName {
  std::string name;  // a trailing '*' matches any suffix
  std::string description;
};
using DeclaredNames = std::optional<std::vector<DeclaredName>>;  // nullopt: not declared

struct PluginInfo {
  std::string name;
  std::string version;
  std::string license;
  std::string file;  // absolute path of the .so
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  const loom_plugin* descriptor = nullptr;
};

struct ComponentInfo {
  const loom_component* component = nullptr;
  const PluginInfo* plugin = nullptr;
  std::string name;
  NodeKind kind = NodeKind::source;
  std::uint32_t flags = 0;
  // The component's option specs at this host's layout (fields past a plugin's shorter spec are
  // zero); read these, never component->options, which may have another stride.
  std::vector<loom_option_spec> options;
  // What the descriptor declares the component writes (ABI 1.3); nullopt when it does not say.
  DeclaredNames drop_reasons;
  DeclaredNames meta_fields;

  // The stride at which this component reads the option values passed to validate() and create():
  // this host's layout, except for plugins of ABI 1.0 and 1.1, which index by their own sizeof.
  std::size_t option_value_stride() const {
    if (plugin != nullptr && plugin->abi_major == 1 && plugin->abi_minor < 2)
      return legacy_option_value_size;
    return sizeof(loom_option_value);
  }

  bool thread_safe() const { return (flags & LOOM_FLAG_THREAD_SAFE) != 0; }
  bool order_sensitive() const { return (flags & LOOM_FLAG_ORDER_SENSITIVE) != 0; }
  // Sees its whole input (observe() on every batch) before process() runs; transforms only.
  bool whole_input() const {
    return (flags & LOOM_FLAG_WHOLE_INPUT) != 0 && kind != NodeKind::source &&
           kind != NodeKind::sink;
  }
  // Whether the descriptor is large enough to hold `field` (size-prefixed structs).
  template <class Member>
  bool has(Member loom_component::*field) const {
    const auto offset =
        reinterpret_cast<std::size_t>(&(static_cast<loom_component*>(nullptr)->*field));
    return component->struct_size >= offset + sizeof(Member);
  }
};

// The plugin search path: `extra_paths` (--plugin-path), then LOOM_PLUGIN_PATH (colon-separated),
// then the folder plugins are installed to, then (for running from a build tree) the `plugins`
// folder next to the loom executable.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& extra_paths);

class Registry;

// Every plugin found on a search path, loaded, with the components it provides. The libraries
// stay loaded for the life of the process (a component's code and vtables live in them).
class PluginCatalogue {
 public:
  // Loads every libloom_*.so on plugin_search_path(extra_paths). Problems (a library that does not
  // load, a duplicate component) are appended to `diagnostics`; the others still load.
  static PluginCatalogue load(const std::vector<std::string>& extra_paths,
                              std::vector<Diagnostic>& diagnostics);
  PluginCatalogue(PluginCatalogue&&) noexcept;
  PluginCatalogue& operator=(PluginCatalogue&&) noexcept;
  ~PluginCatalogue();

  // The folders searched, in order (only those that exist).
  const std::vector<std::string>& searched() const { return searched_; }
  const std::vector<std::unique_ptr<PluginInfo>>& plugins() const;
  const std::vector<std::unique_ptr<ComponentInfo>>& components() const;
  // Components in a stable order: by kind (source ... sink), then by name.
  std::vector<const ComponentInfo*> sorted_components() const;
  const ComponentInfo* find(std::string_view name) const;
  std::vector<std::string> component_names() const;

 private:
  PluginCatalogue() = default;
  std::vector<std::string> searched_;
  Registry* registry_ = nullptr;  // kept for the life of the process
};

}  // namespace loom
