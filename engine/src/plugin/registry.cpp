// Registering plugin descriptors: the ABI check and the sanity checks that keep a malformed
// descriptor from crashing the engine later.
#include "plugin/registry.hpp"

#include <cstddef>
#include <set>

namespace loom {
namespace {

// Bytes a size-prefixed struct must have for the host to read fields up to and including `last`.
#define LOOM_SIZE_THROUGH(type, last) (offsetof(type, last) + sizeof(type::last))

constexpr std::size_t plugin_min_size = LOOM_SIZE_THROUGH(loom_plugin, component_count);
constexpr std::size_t component_min_size = LOOM_SIZE_THROUGH(loom_component, destroy);
constexpr std::size_t option_min_size = LOOM_SIZE_THROUGH(loom_option_spec, enum_count);

bool valid_option_type(std::uint32_t type) {
  return type >= LOOM_OPTION_BOOL && type <= LOOM_OPTION_STRING_MAP;
}

class DescriptorChecker {
 public:
  DescriptorChecker(const std::string& label, const std::string& graph_file, SourceMark mark,
                    std::vector<Diagnostic>& diagnostics)
      : label_(label), graph_file_(graph_file), mark_(mark), diagnostics_(diagnostics) {}

  bool ok() const { return failures_ == 0; }
  std::size_t failures() const { return failures_; }

  void fail(std::string message, std::vector<std::string> notes = {}) {
    ++failures_;
    diagnostics_.push_back(
        Diagnostic{Severity::error, graph_file_, mark_, std::move(message), std::move(notes)});
  }

  // Checks one component; returns its kind through `kind` when valid.
  void check_component(const loom_component* c, std::size_t index, NodeKind& kind) {
    const std::string which = label_ + ": component #" + std::to_string(index + 1);
    const std::size_t failures_before = failures_;
    if (c == nullptr) return fail(which + " is a null pointer");
    if (c->struct_size < component_min_size)
      return fail(which + " has a descriptor of " + std::to_string(c->struct_size) +
                  " bytes, smaller than the " + std::to_string(component_min_size) +
                  " bytes every Loom ABI 1.x component has");
    if (c->name == nullptr || *c->name == '\0') return fail(which + " has no name");
    const std::string named = label_ + ": component '" + c->name + "'";
    if (!node_kind_from_c(c->kind, kind))
      fail(named + " has an unknown kind " + std::to_string(c->kind) +
           " (expected 1 source, 2 cleaner, 3 filter, 4 deduper or 5 sink)");
    if (c->create == nullptr) fail(named + " has no create function");
    if (c->destroy == nullptr) fail(named + " has no destroy function");
    if (failures_ == failures_before) check_kind_functions(*c, named, kind);
    if (c->option_count > 0 && c->options == nullptr)
      return fail(named + " declares " + std::to_string(c->option_count) +
                  " options but no option table");
    std::set<std::string> option_names;
    for (std::size_t i = 0; i < c->option_count; ++i)
      check_option(c->options[i], i, named, option_names);
  }

 private:
  // The functions the runtime calls for the component's kind must exist.
  void check_kind_functions(const loom_component& c, const std::string& named, NodeKind kind) {
    auto require = [&](std::size_t end_offset, bool present, const char* function) {
      if (c.struct_size < end_offset || !present)
        fail(named + " is a " + kind_name(kind) + " but has no " + function + " function");
    };
    switch (kind) {
      case NodeKind::source:
        require(LOOM_SIZE_THROUGH(loom_component, list_shards), c.list_shards != nullptr,
                "list_shards");
        require(LOOM_SIZE_THROUGH(loom_component, open_shard), c.open_shard != nullptr,
                "open_shard");
        require(LOOM_SIZE_THROUGH(loom_component, read), c.read != nullptr, "read");
        require(LOOM_SIZE_THROUGH(loom_component, close_shard), c.close_shard != nullptr,
                "close_shard");
        break;
      case NodeKind::cleaner:
      case NodeKind::filter:
      case NodeKind::deduper:
        require(LOOM_SIZE_THROUGH(loom_component, process), c.process != nullptr, "process");
        break;
      case NodeKind::sink:
        require(LOOM_SIZE_THROUGH(loom_component, write), c.write != nullptr, "write");
        break;
    }
  }

  void check_option(const loom_option_spec& spec, std::size_t index, const std::string& named,
                    std::set<std::string>& names) {
    const std::string which = named + ": option #" + std::to_string(index + 1);
    if (spec.struct_size < option_min_size)
      return fail(which + " has a descriptor of " + std::to_string(spec.struct_size) +
                  " bytes, smaller than the " + std::to_string(option_min_size) +
                  " bytes every Loom ABI 1.x option spec has");
    if (spec.name == nullptr || *spec.name == '\0') return fail(which + " has no name");
    const std::string option = named + ": option '" + spec.name + "'";
    if (!names.insert(spec.name).second) fail(option + " is declared twice");
    if (!valid_option_type(spec.type))
      return fail(option + " has an unknown type " + std::to_string(spec.type));
    if (spec.type == LOOM_OPTION_ENUM) {
      if (spec.enum_values == nullptr || spec.enum_count == 0)
        return fail(option + " is an enum without allowed values");
      for (std::size_t i = 0; i < spec.enum_count; ++i)
        if (spec.enum_values[i] == nullptr)
          return fail(option + " has a null allowed value #" + std::to_string(i + 1));
    }
  }

  const std::string& label_;
  const std::string& graph_file_;
  SourceMark mark_;
  std::vector<Diagnostic>& diagnostics_;
  std::size_t failures_ = 0;
};

}  // namespace

bool node_kind_from_c(std::uint32_t kind, NodeKind& out) {
  switch (kind) {
    case LOOM_KIND_SOURCE: out = NodeKind::source; return true;
    case LOOM_KIND_CLEANER: out = NodeKind::cleaner; return true;
    case LOOM_KIND_FILTER: out = NodeKind::filter; return true;
    case LOOM_KIND_DEDUPER: out = NodeKind::deduper; return true;
    case LOOM_KIND_SINK: out = NodeKind::sink; return true;
  }
  return false;
}

bool Registry::add_plugin(const loom_plugin* descriptor, const std::string& file,
                          std::vector<Diagnostic>& diagnostics, const std::string& graph_file,
                          SourceMark mark) {
  std::string label = "plugin " + file;
  DescriptorChecker checker(label, graph_file, mark, diagnostics);
  if (descriptor == nullptr) {
    checker.fail(label + " has no descriptor");
    return false;
  }
  if (descriptor->struct_size < plugin_min_size) {
    checker.fail(label + " has a descriptor of " + std::to_string(descriptor->struct_size) +
                 " bytes, smaller than the " + std::to_string(plugin_min_size) +
                 " bytes of every Loom plugin descriptor");
    return false;
  }
  const std::string name = descriptor->name != nullptr ? descriptor->name : "";
  label = "plugin '" + name + "' (" + file + ")";
  if (descriptor->abi_major != host_abi_major_ || descriptor->abi_minor > host_abi_minor_) {
    checker.fail(label + " was built for Loom ABI " + std::to_string(descriptor->abi_major) + "." +
                     std::to_string(descriptor->abi_minor) + ", but this loom implements ABI " +
                     std::to_string(host_abi_major_) + "." + std::to_string(host_abi_minor_),
                 {"a plugin loads when its ABI major equals the host's and its minor is not newer; "
                  "rebuild it against this loom's SDK"});
    return false;
  }
  for (const auto& plugin : plugins_) {
    if (plugin->file == file) return true;  // the same library again: already registered
    if (plugin->name == name && !name.empty()) {
      checker.fail(label + " has the same name as the plugin already loaded from " + plugin->file);
      return false;
    }
  }
  if (name.empty()) checker.fail(label + " has no name");
  if (descriptor->version == nullptr) checker.fail(label + " has no version");
  if (descriptor->license == nullptr) checker.fail(label + " has no license");
  if (descriptor->component_count > 0 && descriptor->components == nullptr) {
    checker.fail(label + " declares " + std::to_string(descriptor->component_count) +
                 " components but no component table");
    return false;
  }

  std::vector<std::unique_ptr<ComponentInfo>> added;
  std::set<std::string> names_in_plugin;
  for (std::size_t i = 0; i < descriptor->component_count; ++i) {
    const loom_component* c = descriptor->components[i];
    NodeKind kind = NodeKind::source;
    const std::size_t failures_before = checker.failures();
    checker.check_component(c, i, kind);
    if (checker.failures() != failures_before) continue;
    const std::string component_name = c->name;
    if (!names_in_plugin.insert(component_name).second) {
      checker.fail(label + " provides component '" + component_name + "' twice");
      continue;
    }
    if (const ComponentInfo* existing = find(component_name); existing != nullptr) {
      const std::string other = existing->plugin != nullptr ? existing->plugin->file : "?";
      checker.fail("component '" + component_name + "' is provided by two plugins: " + other +
                       " and " + file,
                   {"component names are global; remove one of the plugins from the search path "
                    "or rename the component"});
      continue;
    }
    auto info = std::make_unique<ComponentInfo>();
    info->component = c;
    info->name = component_name;
    info->kind = kind;
    info->flags = c->flags;
    added.push_back(std::move(info));
  }
  if (!checker.ok()) return false;

  auto plugin = std::make_unique<PluginInfo>();
  plugin->name = name;
  plugin->version = descriptor->version;
  plugin->license = descriptor->license;
  plugin->file = file;
  plugin->abi_major = descriptor->abi_major;
  plugin->abi_minor = descriptor->abi_minor;
  plugin->descriptor = descriptor;
  for (auto& info : added) {
    info->plugin = plugin.get();
    components_.push_back(std::move(info));
  }
  plugins_.push_back(std::move(plugin));
  return true;
}

const ComponentInfo* Registry::find(std::string_view name) const {
  for (const auto& component : components_)
    if (component->name == name) return component.get();
  return nullptr;
}

std::vector<std::string> Registry::component_names() const {
  std::vector<std::string> names;
  names.reserve(components_.size());
  for (const auto& component : components_) names.push_back(component->name);
  return names;
}

}  // namespace loom
