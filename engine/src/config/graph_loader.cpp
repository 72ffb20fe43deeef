#include "config/diagnose.hpp"
#include "config/graph_tests.hpp"
#include "config/yaml_tree.hpp"

#include <loom/engine/graph_spec.hpp>

#include <array>
#include <fstream>
#include <map>
#include <sstream>

namespace loom {
namespace {

constexpr std::array<NodeKind, 5> all_kinds{NodeKind::source, NodeKind::cleaner, NodeKind::filter,
                                            NodeKind::deduper, NodeKind::sink};

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys{"version", "plugins",  "stats", "sources", "cleaners",
                                             "filters", "dedupers", "sinks", "tests"};
  return keys;
}

const std::vector<std::string>& node_fields() {
  static const std::vector<std::string> fields{"type", "inputs", "with"};
  return fields;
}

bool section_kind(const std::string& key, NodeKind& kind) {
  for (NodeKind k : all_kinds)
    if (key == section_name(k)) {
      kind = k;
      return true;
    }
  return false;
}

bool is_node_id(const std::string& id) {
  if (id.empty()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

class GraphLoader {
 public:
  GraphLoader(GraphSpec& spec, std::vector<Diagnostic>& diagnostics)
      : spec_(spec), diagnostics_(diagnostics) {}

  void load(const ConfigValue& root) {
    if (root.type == ConfigValue::Type::null) {
      error({}, "the graph file is empty", {"a graph starts with 'version: 1'"});
      return;
    }
    if (root.type != ConfigValue::Type::mapping) {
      error(root.mark, "a graph file is a mapping of top-level keys (" +
                           join(top_level_keys(), ", ") + "), found " + describe_value(root));
      return;
    }
    bool saw_version = false;
    std::vector<NodeSpec> sources;
    std::vector<NodeSpec> others;
    for (std::size_t i = 0; i < root.entries.size(); ++i) {
      const auto& [key, value] = root.entries[i];
      const SourceMark key_mark = root.key_marks[i];
      NodeKind kind{};
      if (key == "version") {
        saw_version = true;
        read_version(value);
      } else if (key == "plugins") {
        read_plugins(value);
      } else if (key == "stats") {
        read_stats(value);
      } else if (section_kind(key, kind)) {
        read_section(kind, value, kind == NodeKind::source ? sources : others);
      } else if (key == "tests") {
        read_tests(value, spec_, diagnostics_);
      } else {
        error(
            key_mark, "unknown top-level key " + quote(key),
            {did_you_mean(key, top_level_keys()) + "valid keys: " + join(top_level_keys(), ", ")});
      }
    }
    if (!saw_version)
      error({}, "the graph file has no 'version' key",
            {"add 'version: 1' (the graph format this loom reads)"});
    // Sources first, so runtime and messages walk the graph roughly in data-flow order.
    for (auto& node : sources) spec_.nodes.push_back(std::move(node));
    for (auto& node : others) spec_.nodes.push_back(std::move(node));
    check_tests(spec_, diagnostics_);
  }

 private:
  void error(SourceMark mark, std::string message, std::vector<std::string> notes = {}) {
    add_error(diagnostics_, spec_.file, mark, std::move(message), std::move(notes));
  }

  void read_version(const ConfigValue& value) {
    if (value.type == ConfigValue::Type::scalar && !value.quoted && value.scalar == "1") {
      spec_.version = 1;
      return;
    }
    error(value.mark,
          "unsupported graph format version: expected 1, found " + describe_value(value),
          {"this loom reads graph format version 1"});
  }

  void read_plugins(const ConfigValue& value) {
    std::vector<const ConfigValue*> items;
    if (value.type == ConfigValue::Type::scalar) {
      items.push_back(&value);
    } else if (value.type == ConfigValue::Type::sequence) {
      for (const auto& item : value.items) items.push_back(&item);
    } else if (value.type != ConfigValue::Type::null) {
      error(value.mark, "'plugins' is a list of plugin names, found " + describe_value(value),
            {"for example: plugins: [io, text]"});
      return;
    }
    for (const ConfigValue* item : items) {
      if (item->type != ConfigValue::Type::scalar || item->scalar.empty()) {
        error(item->mark, "a plugin name is a string, found " + describe_value(*item));
        continue;
      }
      spec_.plugins.push_back(item->scalar);
      spec_.plugin_marks.push_back(item->mark);
    }
  }

  void read_stats(const ConfigValue& value) {
    if (value.type != ConfigValue::Type::scalar) {
      error(value.mark, "'stats' is the path of the stats file, found " + describe_value(value));
      return;
    }
    spec_.stats_path = value.scalar;
    spec_.stats_mark = value.mark;
  }

  void read_section(NodeKind kind, const ConfigValue& section, std::vector<NodeSpec>& out) {
    if (section.type == ConfigValue::Type::null) return;
    if (section.type != ConfigValue::Type::mapping) {
      error(section.mark, std::string("'") + section_name(kind) +
                              "' is a mapping of node id to node, found " +
                              describe_value(section));
      return;
    }
    for (std::size_t i = 0; i < section.entries.size(); ++i) {
      const auto& [id, value] = section.entries[i];
      const SourceMark mark = section.key_marks[i];
      if (!is_node_id(id)) {
        error(mark, "invalid node id " + quote(id),
              {"node ids are snake_case: lowercase letters, digits and '_', not starting with a "
               "digit"});
      }
      auto [first, inserted] = node_ids_.emplace(id, std::make_pair(kind, mark));
      if (!inserted) {
        // Duplicates inside one section were already reported (and dropped) by the YAML reader.
        error(mark,
              "duplicate node id " + quote(id) + ": already defined under '" +
                  section_name(first->second.first) + "'",
              {"first defined here at " + mark_text(first->second.second)});
        continue;
      }
      out.push_back(read_node(kind, id, mark, value));
    }
  }

  NodeSpec read_node(NodeKind kind, const std::string& id, SourceMark mark,
                     const ConfigValue& value) {
    NodeSpec node;
    node.id = id;
    node.kind = kind;
    node.mark = mark;
    const std::string what = std::string(kind_name(kind)) + " node " + quote(id);
    if (value.type != ConfigValue::Type::mapping) {
      error(value.mark, what + " must be a mapping with 'type', 'inputs' and 'with', found " +
                            describe_value(value));
      return node;
    }
    bool saw_type = false;
    bool saw_inputs = false;
    for (std::size_t i = 0; i < value.entries.size(); ++i) {
      const auto& [field, field_value] = value.entries[i];
      const SourceMark field_mark = value.key_marks[i];
      if (field == "type") {
        saw_type = true;
        if (field_value.type != ConfigValue::Type::scalar || field_value.scalar.empty()) {
          error(field_value.mark, "'type' of " + what + " must name a component, found " +
                                      describe_value(field_value));
        } else {
          node.type = field_value.scalar;
          node.type_mark = field_value.mark;
        }
      } else if (field == "inputs") {
        saw_inputs = true;
        if (kind == NodeKind::source) {
          error(field_mark, what + " cannot have inputs: sources read data, they take none");
        } else {
          read_inputs(what, field_value, node);
        }
      } else if (field == "with") {
        node.with_mark = field_mark;
        read_options(what, field_value, node);
      } else {
        error(field_mark, "unknown field " + quote(field) + " in " + what,
              {did_you_mean(field, node_fields()) +
               "node fields are: type, inputs, with (component options go under 'with')"});
      }
    }
    if (!saw_type) error(mark, what + " has no 'type'", {"'type' names the component to run"});
    if (kind != NodeKind::source && !saw_inputs) {
      error(mark, what + " has no 'inputs'",
            {"list the nodes it reads from, e.g. 'inputs: [read]'"});
    }
    return node;
  }

  void read_inputs(const std::string& what, const ConfigValue& value, NodeSpec& node) {
    std::vector<const ConfigValue*> items;
    if (value.type == ConfigValue::Type::scalar) {
      items.push_back(&value);
    } else if (value.type == ConfigValue::Type::sequence) {
      for (const auto& item : value.items) items.push_back(&item);
    }
    if (items.empty()) {
      error(value.mark,
            "'inputs' of " + what + " must list at least one node, found " + describe_value(value),
            {"for example: inputs: [read] or inputs: [gopher.dropped]"});
      return;
    }
    for (const ConfigValue* item : items) {
      if (item->type != ConfigValue::Type::scalar || item->scalar.empty()) {
        error(item->mark, "an input of " + what + " is a node id or 'node.port', found " +
                              describe_value(*item));
        continue;
      }
      PortRef ref;
      const std::size_t dot = item->scalar.find('.');
      ref.node = item->scalar.substr(0, dot);
      if (dot != std::string::npos) ref.port = item->scalar.substr(dot + 1);
      ref.mark = item->mark;
      node.inputs.push_back(std::move(ref));
    }
  }

  void read_options(const std::string& what, const ConfigValue& value, NodeSpec& node) {
    if (value.type == ConfigValue::Type::null) return;
    if (value.type != ConfigValue::Type::mapping) {
      error(value.mark, "'with' of " + what + " is a mapping of option names to values, found " +
                            describe_value(value));
      return;
    }
    for (std::size_t i = 0; i < value.entries.size(); ++i)
      node.options.push_back(
          OptionEntry{value.entries[i].first, value.key_marks[i], value.entries[i].second});
  }

  GraphSpec& spec_;
  std::vector<Diagnostic>& diagnostics_;
  std::map<std::string, std::pair<NodeKind, SourceMark>> node_ids_;
};

}  // namespace

GraphSpec load_graph_text(const std::string& file_label, const std::string& text,
                          const Variables& variables, std::vector<Diagnostic>& diagnostics) {
  GraphSpec spec;
  spec.file = file_label;
  spec.source_text = text;
  ConfigValue root;
  if (!parse_yaml(file_label, text, &variables, root, diagnostics)) return spec;
  GraphLoader(spec, diagnostics).load(root);
  return spec;
}

GraphSpec load_graph_file(const std::string& path, const Variables& variables,
                          std::vector<Diagnostic>& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    GraphSpec spec;
    spec.file = path;
    add_error(diagnostics, "", {}, "cannot read graph file '" + path + "'",
              {"check the path; it is relative to the current directory"});
    return spec;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return load_graph_text(path, buffer.str(), variables, diagnostics);
}

}  // namespace loom
