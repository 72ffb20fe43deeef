// Registering plugin descriptors: the ABI check and the sanity checks that keep a malformed
// descriptor from crashing the engine later.
#include "plugin/registry.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <set>

namespace loom {
namespace {

constexpr std::size_t plugin_min_size = LOOM_SIZE_THROUGH(loom_plugin, component_count);
constexpr std::size_t component_min_size = LOOM_SIZE_THROUGH(loom_component, destroy);
constexpr std::size_t option_min_size = LOOM_SIZE_THROUGH(loom_option_spec, enum_count);

// The newest option type a plugin of ABI 1.`minor` can declare.
std::uint32_t last_option_type(std::uint32_t minor) {
  return minor >= 2 ? LOOM_OPTION_FLOAT_LIST : LOOM_OPTION_STRING_MAP;
}

// A spec at this host's layout: the fields a shorter (older) spec lacks read as zero, the fields a
// longer one has past this host's struct are not seen.
loom_option_spec host_layout(const loom_option_spec& spec) {
  loom_option_spec copy{};
  std::memcpy(&copy, &spec, std::min<std::size_t>(spec.struct_size, sizeof copy));
  copy.struct_size = sizeof copy;
  return copy;
}

class DescriptorChecker {
 public:
  DescriptorChecker(const std::string& label, std::uint32_t abi_minor,
                    const std::string& graph_file, SourceMark mark,
                    std::vector<Diagnostic>& diagnostics)
      : label_(label),
        abi_minor_(abi_minor),
        graph_file_(graph_file),
        mark_(mark),
        diagnostics_(diagnostics) {}

  bool ok() const { return failures_ == 0; }
  std::size_t failures() const { return failures_; }

  void fail(std::string message, std::vector<std::string> notes = {}) {
    ++failures_;
    diagnostics_.push_back(
        Diagnostic{Severity::error, graph_file_, mark_, std::move(message), std::move(notes)});
  }

  // Checks one component; returns its kind and its option specs (at this host's layout) through
  // `kind` and `options` when valid.
  void check_component(const loom_component* c, std::size_t index, NodeKind& kind,
                       std::vector<loom_option_spec>& options) {
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
    if (c->option_count > 0) check_options(*c, named, options);
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

  // The specs are an array stepped through by the first one's struct_size, which every element
  // must share: a reader cannot find element i otherwise.
  void check_options(const loom_component& c, const std::string& named,
                     std::vector<loom_option_spec>& options) {
    const std::uint32_t stride = c.options->struct_size;
    if (stride < option_min_size)
      return fail(named + ": option #1 has a descriptor of " + std::to_string(stride) +
                  " bytes, smaller than the " + std::to_string(option_min_size) +
                  " bytes every Loom ABI 1.x option spec has");
    std::set<std::string> names;
    for (std::size_t i = 0; i < c.option_count; ++i) {
      const loom_option_spec& spec = *loom_option_spec_at(c.options, i);
      if (spec.struct_size != stride) {
        fail(named + ": option #" + std::to_string(i + 1) + " has a descriptor of " +
                 std::to_string(spec.struct_size) + " bytes, but option #1 has " +
                 std::to_string(stride),
             {"every element of a component's option array has the same struct_size, the "
              "stride at which readers step through it"});
        return;
      }
      options.push_back(host_layout(spec));
      check_option(options.back(), i, named, names);
    }
  }

  void check_option(const loom_option_spec& spec, std::size_t index, const std::string& named,
                    std::set<std::string>& names) {
    const std::string which = named + ": option #" + std::to_string(index + 1);
    if (spec.name == nullptr || *spec.name == '\0') return fail(which + " has no name");
    const std::string option = named + ": option '" + spec.name + "'";
    if (!names.insert(spec.name).second) fail(option + " is declared twice");
    if (spec.type < LOOM_OPTION_BOOL || spec.type > LOOM_OPTION_FLOAT_LIST)
      return fail(option + " has an unknown type " + std::to_string(spec.type));
    if (spec.type > last_option_type(abi_minor_))
      return fail(option + " has type " + std::to_string(spec.type) +
                  ", which needs Loom ABI 1.2, but the plugin was built for ABI 1." +
                  std::to_string(abi_minor_));
    if (spec.type == LOOM_OPTION_ENUM) {
      if (spec.enum_values == nullptr || spec.enum_count == 0)
        return fail(option + " is an enum without allowed values");
      for (std::size_t i = 0; i < spec.enum_count; ++i)
        if (spec.enum_values[i] == nullptr)
          return fail(option + " has a null allowed value #" + std::to_string(i + 1));
    }
  }

  const std::string& label_;
  std::uint32_t abi_minor_;
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
  const std::uint32_t abi_minor = descriptor != nullptr ? descriptor->abi_minor : 0;
  DescriptorChecker checker(label, abi_minor, graph_file, mark, diagnostics);
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
    std::vector<loom_option_spec> options;
    const std::size_t failures_before = checker.failures();
    checker.check_component(c, i, kind, options);
    if (checker.failures() != failures_before) continue;
    const std::string component_name = c->name;
    DeclaredNames drop_reasons, meta_fields;
    if (std::string problem = read_declared_names(
            *c, label + ": component '" + component_name + "'", drop_reasons, meta_fields);
        !problem.empty()) {
      checker.fail(std::move(problem));
      continue;
    }
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
    info->options = std::move(options);
    info->drop_reasons = std::move(drop_reasons);
    info->meta_fields = std::move(meta_fields);
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
