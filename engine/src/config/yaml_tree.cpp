#include "config/yaml_tree.hpp"

#include "config/diagnose.hpp"
#include "config/variables.hpp"

#include <yaml-cpp/yaml.h>

#include <map>

namespace loom {
namespace {

SourceMark to_mark(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return SourceMark{mark.line + 1, mark.column + 1};
}

// 1-based position of a byte offset in `text`.
SourceMark mark_at_offset(const std::string& text, std::size_t offset) {
  SourceMark mark{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 1;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

// Far beyond any graph file (they nest a handful of levels); a YAML alias that refers to its own
// anchor makes yaml-cpp's tree a cycle, which would otherwise recurse until the stack overflows.
constexpr int kMaxNesting = 64;

class Converter {
 public:
  Converter(const std::string& file, const std::string& text, const Variables* variables,
            std::vector<Diagnostic>& diagnostics)
      : file_(file), text_(text), variables_(variables), diagnostics_(diagnostics) {}

  ConfigValue convert(const YAML::Node& node, SourceMark fallback, const std::string& path) {
    ConfigValue value;
    value.mark = to_mark(node.Mark());
    if (value.mark.line == 0) value.mark = fallback;
    if (depth_ >= kMaxNesting) {
      if (!too_deep_reported_)
        add_error(diagnostics_, file_, value.mark,
                  "values nested deeper than " + std::to_string(kMaxNesting) + " levels in '" +
                      path + "' (is it a YAML alias that refers to its own anchor?)");
      too_deep_reported_ = true;
      return value;
    }
    struct Level {
      int& depth;
      explicit Level(int& d) : depth(++d) {}
      ~Level() { --depth; }
    } level(depth_);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        // An empty value's mark points at the next token, often on a later line: use the key's.
        if (fallback.line != 0 && value.mark.line != fallback.line) value.mark = fallback;
        break;
      case YAML::NodeType::Scalar:
        value.type = ConfigValue::Type::scalar;
        value.quoted = node.Tag() != "?";
        value.scalar = expand(node, value.mark);
        break;
      case YAML::NodeType::Sequence:
        value.type = ConfigValue::Type::sequence;
        for (std::size_t i = 0; i < node.size(); ++i)
          value.items.push_back(convert(node[i], value.mark, path + "[" + std::to_string(i) + "]"));
        break;
      case YAML::NodeType::Map:
        value.type = ConfigValue::Type::mapping;
        convert_mapping(node, path, value);
        break;
    }
    return value;
  }

 private:
  void convert_mapping(const YAML::Node& node, const std::string& path, ConfigValue& value) {
    std::map<std::string, SourceMark> seen;
    for (const auto& pair : node) {
      const YAML::Node key = pair.first;
      const SourceMark key_mark = to_mark(key.Mark());
      if (!key.IsScalar()) {
        add_error(diagnostics_, file_, key_mark,
                  "mapping keys must be plain strings" +
                      (path.empty() ? std::string() : " (in '" + path + "')"));
        continue;
      }
      const std::string& name = key.Scalar();
      auto [previous, inserted] = seen.emplace(name, key_mark);
      if (!inserted) {
        add_error(diagnostics_, file_, key_mark,
                  path.empty() ? "duplicate top-level key " + quote(name)
                               : "duplicate key " + quote(name) + " in '" + path + "'",
                  {"first defined here at " + mark_text(previous->second)});
        continue;
      }
      const std::string child_path = path.empty() ? name : path + "." + name;
      value.entries.emplace_back(name, convert(pair.second, key_mark, child_path));
      value.key_marks.push_back(key_mark);
    }
  }

  std::string expand(const YAML::Node& node, SourceMark mark) {
    const std::string& raw = node.Scalar();
    if (variables_ == nullptr || raw.find('$') == std::string::npos) return raw;
    std::vector<ExpansionError> errors;
    std::string expanded = expand_variables(raw, *variables_, errors);
    // Point at the reference itself in the file; it is the text as written unless the scalar
    // used escapes, in which case the value's own position is the best we have.
    std::size_t search_from = node.Mark().pos >= 0 ? static_cast<std::size_t>(node.Mark().pos) : 0;
    for (ExpansionError& error : errors) {
      SourceMark where = mark;
      const std::size_t found = text_.find(error.variable, search_from);
      if (found != std::string::npos) {
        where = mark_at_offset(text_, found);
        search_from = found + 1;
      }
      add_error(diagnostics_, file_, where, std::move(error.message), std::move(error.notes));
    }
    return expanded;
  }

  const std::string& file_;
  const std::string& text_;
  const Variables* variables_;
  std::vector<Diagnostic>& diagnostics_;
  int depth_ = 0;
  bool too_deep_reported_ = false;
};

}  // namespace

bool parse_yaml(const std::string& file, const std::string& text, const Variables* variables,
                ConfigValue& out, std::vector<Diagnostic>& diagnostics) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp notices an unclosed bracket only where the next block starts; say what to look for.
    std::vector<std::string> notes;
    if (e.msg.find("map flow") != std::string::npos)
      notes.push_back("a '{' above is not closed with '}'");
    else if (e.msg.find("sequence flow") != std::string::npos)
      notes.push_back("a '[' above is not closed with ']'");
    add_error(diagnostics, file, to_mark(e.mark), "invalid YAML: " + e.msg, std::move(notes));
    return false;
  } catch (const YAML::Exception& e) {
    add_error(diagnostics, file, to_mark(e.mark), std::string("invalid YAML: ") + e.what());
    return false;
  }
  Converter converter(file, text, variables, diagnostics);
  out = converter.convert(root, SourceMark{}, "");
  return true;
}

std::string describe_value(const ConfigValue& value) {
  switch (value.type) {
    case ConfigValue::Type::null: return "nothing";
    case ConfigValue::Type::sequence: return "a list";
    case ConfigValue::Type::mapping: return "a mapping";
    case ConfigValue::Type::scalar:
      return value.quoted ? "the string \"" + value.scalar + "\"" : quote(value.scalar);
  }
  return "?";
}

}  // namespace loom
