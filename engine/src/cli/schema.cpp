// `loom schema [--markdown] [--plugin NAME]`: reference pages for every component (or for one
// plugin's), generated from the option schemas the plugins declare, so the docs cannot drift
// from the code.
#include "cli/option_format.hpp"
#include "cli/verbs.hpp"

#include <loom/engine/engine.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loom::cli {
namespace {

namespace fs = std::filesystem;

constexpr NodeKind all_kinds[] = {NodeKind::source, NodeKind::cleaner, NodeKind::filter,
                                  NodeKind::deduper, NodeKind::sink};

// Text safe inside a markdown table cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// An inline code span that survives backticks in its content.
std::string code(const std::string& text) {
  if (text.empty()) return "";
  const std::string fence = text.find('`') == std::string::npos ? "`" : "``";
  const std::string pad = fence.size() > 1 ? " " : "";
  return fence + pad + text + pad + fence;
}

std::string yes_no(bool value) { return value ? "yes" : "no"; }

std::string plugin_text(const PluginInfo& plugin) {
  // The file name only: the reference must read the same on every machine.
  const std::string file = fs::path(plugin.file).filename().string();
  return code(plugin.name) + " " + plugin.version + ", " + plugin.license + " (" + code(file) + ")";
}

// A graph snippet using the component, with its required options as placeholders.
std::string example(const ComponentInfo& component) {
  std::string out = "```yaml\n" + std::string(section_name(component.kind)) + ":\n";
  out += "  my_" + std::string(kind_name(component.kind)) + ":\n";
  out += "    type: " + component.name + "\n";
  if (component.kind != NodeKind::source) out += "    inputs: [previous_node]\n";
  std::string with;
  for (const loom_option_spec* spec : component_options(component))
    if (spec->required != 0)
      with += "      " + std::string(spec->name) + ": <" + option_type_text(*spec) + ">\n";
  if (!with.empty()) out += "    with:\n" + with;
  return out + "```\n";
}

// A list the descriptor declares (ABI 1.3), as a section; nothing for a component that does not
// declare it. A trailing `*` stands for any suffix.
std::string declared_section(const char* title, const char* column, const DeclaredNames& names) {
  if (!names) return "";
  std::string out = "## " + std::string(title) + "\n\n";
  if (names->empty()) return out + "None.\n\n";
  out += "| " + std::string(column) + " | Description |\n|---|---|\n";
  for (const DeclaredName& name : *names)
    out += "| " + code(name.name) + " | " + cell(name.description) + " |\n";
  return out + "\n";
}

std::string component_page(const ComponentInfo& component) {
  std::string out = "# " + code(component.name) + "\n\n";
  if (const std::string summary = component_summary(component); !summary.empty())
    out += summary + "\n\n";
  out += "| | |\n|---|---|\n";
  out += "| Kind | " + std::string(kind_name(component.kind)) + " (graph section " +
         code(std::string(section_name(component.kind)) + ":") + ") |\n";
  out += "| Plugin | " + cell(plugin_text(*component.plugin)) + " |\n";
  out += "| Thread-safe | " + yes_no(component.thread_safe()) + " |\n";
  out += "| Order-sensitive | " + yes_no(component.order_sensitive()) + " |\n";
  // Only where it applies, so the other components' pages stay as they were.
  if (component.whole_input()) out += "| Sees its whole input first | yes |\n";
  out += "\n";

  out += "## Options\n\n";
  const auto options = component_options(component);
  if (options.empty()) {
    out += "None.\n\n";
  } else {
    out += "| Option | Type | Default | Bounds | Values | Description |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const loom_option_spec* spec : options) {
      const std::string default_text = option_default_text(*spec);
      std::string values;
      for (std::size_t i = 0; spec->type == LOOM_OPTION_ENUM && i < spec->enum_count; ++i)
        values += (i ? ", " : "") + code(spec->enum_values[i]);
      out += "| " + code(spec->name) + " | " + option_type_text(*spec) + " | " +
             cell(spec->required != 0 ? "**required**" : code(default_text)) + " | " +
             cell(option_bounds_text(*spec)) + " | " + cell(values) + " | " +
             cell(option_doc_text(*spec)) + " |\n";
    }
    out += "\n";
  }
  out += declared_section("Drop reasons", "Reason", component.drop_reasons);
  out += declared_section("Meta fields written", "Field", component.meta_fields);
  out += "## Example\n\n" + example(component);
  return out;
}

std::string index_page(const std::vector<const ComponentInfo*>& components, bool linked) {
  std::string out = "# Component reference\n\n";
  out +=
      "Generated by `loom schema --markdown` from the option schemas of the plugins on the "
      "search path; do not edit by hand.\n";
  for (NodeKind kind : all_kinds) {
    std::string rows;
    for (const ComponentInfo* component : components) {
      if (component->kind != kind) continue;
      const std::string name = linked
                                   ? "[" + code(component->name) + "](" + component->name + ".md)"
                                   : code(component->name);
      rows += "| " + name + " | " + code(component->plugin->name) + " | " +
              cell(component_summary(*component)) + " |\n";
    }
    if (rows.empty()) continue;
    std::string title = section_name(kind);
    title[0] = static_cast<char>(title[0] - 'a' + 'A');
    out += "\n## " + title + "\n\n| Component | Plugin | Summary |\n|---|---|---|\n" + rows;
  }
  return out;
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "error: cannot write '%s'\n", path.string().c_str());
    return false;
  }
  return true;
}

// The components of the plugins named by `--plugin` (all when none is), or nullopt after
// printing an error for a name no loaded plugin has.
std::optional<std::vector<const ComponentInfo*>> selected_components(
    const PluginCatalogue& catalogue, const std::vector<std::string>& plugin_names) {
  std::vector<const ComponentInfo*> components = catalogue.sorted_components();
  if (plugin_names.empty()) return components;
  std::vector<std::string> loaded;
  for (const auto& plugin : catalogue.plugins()) loaded.push_back(plugin->name);
  for (const std::string& name : plugin_names) {
    if (std::find(loaded.begin(), loaded.end(), name) != loaded.end()) continue;
    std::fprintf(stderr, "error: no plugin named '%s' on the plugin search path\n", name.c_str());
    if (const std::string suggestion = closest_match(name, loaded); !suggestion.empty())
      std::fprintf(stderr, "  note: did you mean '%s'?\n", suggestion.c_str());
    std::fprintf(stderr, "  note: `loom plugins` lists the %zu plugins found\n", loaded.size());
    return std::nullopt;
  }
  std::erase_if(components, [&](const ComponentInfo* component) {
    return std::find(plugin_names.begin(), plugin_names.end(), component->plugin->name) ==
           plugin_names.end();
  });
  return components;
}

}  // namespace

void register_schema(CLI::App& app, Context& ctx) {
  struct Args {
    bool markdown = false;
    std::string output;
    std::vector<std::string> plugins;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "schema", "Write reference docs for every component, from its option schema");
  // A flag, not an option: nothing follows it. Markdown is the only format, so it is the default.
  cmd->add_flag("--markdown", args->markdown,
                "Markdown (the default and only format): one page per component plus README.md");
  cmd->add_option("--output", args->output,
                  "Folder for the pages (created if needed); without it, print to stdout");
  cmd->add_option("--plugin", args->plugins,
                  "Only the components of this plugin (its name, e.g. io; repeatable); the "
                  "index then lists only them")
      ->type_name("NAME");
  cmd->add_option("--plugin-path", ctx.plugin_paths,
                  "Extra folder to search for plugins (repeatable; before LOOM_PLUGIN_PATH)");
  cmd->callback([args, &ctx] {
    bool loaded_cleanly = false;
    const PluginCatalogue catalogue = load_all_plugins(ctx, loaded_cleanly);
    ctx.exit_code = loaded_cleanly ? exit_ok : exit_runtime_error;
    const auto selected = selected_components(catalogue, args->plugins);
    if (!selected) {
      ctx.exit_code = exit_usage;
      return;
    }
    const std::vector<const ComponentInfo*>& components = *selected;

    if (args->output.empty()) {
      std::string out = index_page(components, false);
      for (const ComponentInfo* component : components) out += "\n" + component_page(*component);
      std::fputs(out.c_str(), stdout);
      return;
    }
    const fs::path dir(args->output);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "error: cannot create folder '%s': %s\n", dir.string().c_str(),
                   ec.message().c_str());
      ctx.exit_code = exit_runtime_error;
      return;
    }
    bool written = write_file(dir / "README.md", index_page(components, true));
    for (const ComponentInfo* component : components)
      written = write_file(dir / (component->name + ".md"), component_page(*component)) && written;
    if (!written) ctx.exit_code = exit_runtime_error;
    std::fprintf(stderr, "wrote %zu component pages and README.md to %s\n", components.size(),
                 dir.string().c_str());
  });
}

}  // namespace loom::cli
