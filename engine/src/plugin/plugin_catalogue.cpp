#include "plugin/registry.hpp"

#include <loom/engine/plugins.hpp>

#include <algorithm>

namespace loom {

PluginCatalogue PluginCatalogue::load(const std::vector<std::string>& extra_paths,
                                      std::vector<Diagnostic>& diagnostics) {
  // Kept, not owned: the libraries stay loaded for the life of the process.
  static std::vector<std::unique_ptr<Registry>> registries;
  registries.push_back(std::make_unique<Registry>());
  PluginCatalogue catalogue;
  catalogue.registry_ = registries.back().get();
  catalogue.searched_ = plugin_search_path(extra_paths);
  catalogue.registry_->load_all(catalogue.searched_, diagnostics);
  return catalogue;
}

PluginCatalogue::PluginCatalogue(PluginCatalogue&&) noexcept = default;
PluginCatalogue& PluginCatalogue::operator=(PluginCatalogue&&) noexcept = default;
PluginCatalogue::~PluginCatalogue() = default;

const std::vector<std::unique_ptr<PluginInfo>>& PluginCatalogue::plugins() const {
  return registry_->plugins();
}

const std::vector<std::unique_ptr<ComponentInfo>>& PluginCatalogue::components() const {
  return registry_->components();
}

std::vector<const ComponentInfo*> PluginCatalogue::sorted_components() const {
  std::vector<const ComponentInfo*> components;
  for (const auto& component : registry_->components()) components.push_back(component.get());
  std::sort(components.begin(), components.end(), [](const auto* a, const auto* b) {
    if (a->kind != b->kind) return static_cast<int>(a->kind) < static_cast<int>(b->kind);
    return a->name < b->name;
  });
  return components;
}

const ComponentInfo* PluginCatalogue::find(std::string_view name) const {
  return registry_->find(name);
}

std::vector<std::string> PluginCatalogue::component_names() const {
  return registry_->component_names();
}

}  // namespace loom
