// The registry: every loaded plugin and the components it provides. Libraries stay loaded for
// the life of the process (a component's code and vtables live in them).
#pragma once

#include <loom/plugin.h>
#include <loom/engine/diagnostic.hpp>
#include <loom/engine/graph_spec.hpp>
#include <loom/engine/plugins.hpp>

#include "plugin/declared_names.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom {

// Converts a descriptor's kind; returns false for an unknown value.
bool node_kind_from_c(std::uint32_t kind, NodeKind& out);

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
