// The registry: every loaded plugin and the components it provides. Libraries stay loaded for
// the life of the process (a component's code and vtables live in them).
#pragma once

#include <loom/plugin.h>
#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>

#include "plugin/declared_names.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Bytes a size-prefixed struct must have for the host to read fields up to and including `last`.
#define LOOM_SIZE_THROUGH(type, last) (offsetof(type, last) + sizeof(type::last))

namespace loom {

// The option value layout of ABI 1.0 and 1.1, whose plugins index values by that sizeof.
inline constexpr std::size_t legacy_option_value_size = LOOM_SIZE_THROUGH(loom_option_value, count);

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

// Converts a descriptor's kind; returns false for an unknown value.
bool node_kind_from_c(std::uint32_t kind, NodeKind& out);

// The plugin search path: --plugin-path entries, then LOOM_PLUGIN_PATH (colon-separated), then the
// folder plugins are installed to, then (for running from a build tree) the `plugins` folder next
// to the loom executable.
std::vector<std::string> plugin_search_path(const std::vector<std::string>& cli_paths);

// File name of a plugin: "io" -> "libloom_io.so".
std::string plugin_file_name(const std::string& plugin_name);

class Registry {
 public:
  Registry() = default;
  ~Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The ABI version this host implements; tests may pretend to be another host version.
  void set_host_abi(std::uint32_t major, std::uint32_t minor) {
    host_abi_major_ = major;
    host_abi_minor_ = minor;
  }
  std::uint32_t host_abi_major() const { return host_abi_major_; }
  std::uint32_t host_abi_minor() const { return host_abi_minor_; }

  // Loads one shared library. Failures (not found, no entry symbol, ABI mismatch, duplicate
  // component) become diagnostics at `mark` of `graph_file` (both may be empty).
  bool load_file(const std::string& path, std::vector<Diagnostic>& diagnostics,
                 const std::string& graph_file = {}, SourceMark mark = {});
  // Finds libloom_<name>.so on the search path and loads it.
  bool load_named(const std::string& name, const std::vector<std::string>& search_path,
                  std::vector<Diagnostic>& diagnostics, const std::string& graph_file = {},
                  SourceMark mark = {});
  // Registers a plugin descriptor already in memory (load_file calls it after dlopen; tests call
  // it with static descriptors). `file` names the library in messages.
  bool add_plugin(const loom_plugin* descriptor, const std::string& file,
                  std::vector<Diagnostic>& diagnostics, const std::string& graph_file = {},
                  SourceMark mark = {});
  // Loads every libloom_*.so found on the search path (for `loom plugins`, `loom schema`).
  void load_all(const std::vector<std::string>& search_path, std::vector<Diagnostic>& diagnostics);

  const ComponentInfo* find(std::string_view name) const;
  std::vector<std::string> component_names() const;
  const std::vector<std::unique_ptr<ComponentInfo>>& components() const { return components_; }
  const std::vector<std::unique_ptr<PluginInfo>>& plugins() const { return plugins_; }

 private:
  friend class Loader;
  // Library handles, type-erased: only loader.cpp (the one Boost.DLL user) knows their type.
  std::vector<std::shared_ptr<void>> libraries_;
  std::vector<std::unique_ptr<PluginInfo>> plugins_;
  std::vector<std::unique_ptr<ComponentInfo>> components_;
  std::uint32_t host_abi_major_ = LOOM_ABI_MAJOR;
  std::uint32_t host_abi_minor_ = LOOM_ABI_MINOR;
};

}  // namespace loom
