// `loom plugins`: what the search path provides. `loom plugins inspect COMPONENT`: one component
// in full, with its options table.
#include "base/text.hpp"
#include "cli/option_format.hpp"
#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loom::cli {
namespace {

void print_lines(const std::vector<std::string>& lines, const std::string& indent = "") {
  for (const std::string& line : lines) std::printf("%s%s\n", indent.c_str(), line.c_str());
}

void list_plugins(const PluginCatalogue& catalogue) {
  const std::vector<std::string>& searched = catalogue.searched();
  if (catalogue.plugins().empty()) {
    std::fprintf(stderr, "no plugins found; searched: %s\n",
                 searched.empty() ? "no plugin folder exists" : join(searched, ", ").c_str());
    std::fprintf(stderr, "  note: add a folder with --plugin-path or LOOM_PLUGIN_PATH\n");
    return;
  }
  std::vector<const PluginInfo*> plugins;
  for (const auto& plugin : catalogue.plugins()) plugins.push_back(plugin.get());
  std::sort(plugins.begin(), plugins.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });

  // Columns line up across the whole listing, plugins with plugins and components with
  // components.
  std::vector<std::vector<std::string>> plugin_rows;
  for (const PluginInfo* plugin : plugins)
    plugin_rows.push_back({plugin->name, plugin->version, plugin->license, plugin->file});
  const std::vector<std::string> plugin_lines = align_columns(plugin_rows);

  std::map<const PluginInfo*, std::vector<const ComponentInfo*>> by_plugin;
  std::vector<std::vector<std::string>> component_rows;
  std::map<const ComponentInfo*, std::size_t> row_of;
  for (const ComponentInfo* component : catalogue.sorted_components()) {
    by_plugin[component->plugin].push_back(component);
    row_of[component] = component_rows.size();
    component_rows.push_back(
        {kind_name(component->kind), component->name, component_summary(*component)});
  }
  const std::vector<std::string> component_lines = align_columns(component_rows);

  for (std::size_t i = 0; i < plugins.size(); ++i) {
    std::printf("%s%s\n", i ? "\n" : "", plugin_lines[i].c_str());
    const auto& components = by_plugin[plugins[i]];
    if (components.empty()) std::printf("  (no components)\n");
    for (const ComponentInfo* component : components)
      std::printf("  %s\n", component_lines[row_of[component]].c_str());
  }
}

// A list the descriptor declares (ABI 1.3): "not declared" when the plugin does not say.
void print_declared(const char* title, const DeclaredNames& names) {
  if (!names) {
    std::printf("\n%s: not declared\n", title);
  } else if (names->empty()) {
    std::printf("\n%s: none\n", title);
  } else {
    std::printf("\n%s:\n", title);
    std::vector<std::vector<std::string>> rows;
    for (const DeclaredName& name : *names) rows.push_back({name.name, name.description});
    print_lines(align_columns(rows), "  ");
  }
}

void inspect_component(const ComponentInfo& component) {
  const PluginInfo& plugin = *component.plugin;
  std::printf("%s (%s)\n", component.name.c_str(), kind_name(component.kind));
  if (const std::string summary = component_summary(component); !summary.empty())
    std::printf("  %s\n", summary.c_str());
  std::printf("\n");
  print_lines(align_columns({
      {"thread-safe:", component.thread_safe() ? "yes" : "no"},
      {"order-sensitive:", component.order_sensitive() ? "yes" : "no"},
      {"plugin:", plugin.name + " " + plugin.version + " (" + plugin.license + ")"},
      {"file:", plugin.file},
  }));

  const auto options = component_options(component);
  if (options.empty()) {
    std::printf("\noptions: none\n");
  } else {
    std::printf("\noptions:\n");
    std::vector<std::vector<std::string>> rows{
        {"NAME", "TYPE", "DEFAULT", "BOUNDS", "VALUES", "DESCRIPTION"}};
    for (const loom_option_spec* spec : options)
      rows.push_back({spec->name, option_type_text(*spec), option_default_text(*spec),
                      option_bounds_text(*spec), option_values_text(*spec),
                      option_doc_text(*spec)});
    print_lines(align_columns(rows), "  ");
  }
  print_declared("drop reasons", component.drop_reasons);
  print_declared("meta fields written", component.meta_fields);
}

}  // namespace

void register_plugins(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand(
      "plugins", "List the plugins on the search path and the components they provide");
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->fallthrough();

  auto component_name = std::make_shared<std::string>();
  CLI::App* inspect =
      cmd->add_subcommand("inspect", "Show one component: kind, flags, plugin and options");
  inspect->add_option("component", *component_name, "Component name, e.g. jsonl_source")
      ->required();

  cmd->callback([inspect, component_name, &ctx] {
    bool loaded_cleanly = false;
    const PluginCatalogue catalogue = load_all_plugins(ctx, loaded_cleanly);
    const std::vector<std::string>& searched = catalogue.searched();
    if (!inspect->parsed()) {
      list_plugins(catalogue);
      ctx.exit_code = loaded_cleanly ? exit_ok : exit_runtime_error;
      return;
    }
    const ComponentInfo* component = catalogue.find(*component_name);
    if (component == nullptr) {
      std::fprintf(stderr, "error: unknown component '%s'\n", component_name->c_str());
      const std::string suggestion = closest_match(*component_name, catalogue.component_names());
      if (!suggestion.empty())
        std::fprintf(stderr, "  note: did you mean '%s'?\n", suggestion.c_str());
      std::fprintf(stderr, "  note: `loom plugins` lists the %zu components found in: %s\n",
                   catalogue.components().size(),
                   searched.empty() ? "no plugin folder" : join(searched, ", ").c_str());
      ctx.exit_code = exit_usage;
      return;
    }
    inspect_component(*component);
    ctx.exit_code = loaded_cleanly ? exit_ok : exit_runtime_error;
  });
}

}  // namespace loom::cli
