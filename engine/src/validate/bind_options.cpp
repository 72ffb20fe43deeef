#include "config/diagnose.hpp"
#include "config/yaml_tree.hpp"
#include "validate/bound_graph.hpp"

#include <charconv>
#include <cmath>

namespace loom {
namespace {

std::string format_number(double value, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(value));
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string expected_type(std::uint32_t type) {
  switch (type) {
    case LOOM_OPTION_BOOL: return "true or false";
    case LOOM_OPTION_INT: return "an integer";
    case LOOM_OPTION_FLOAT: return "a number";
    case LOOM_OPTION_STRING: return "a string";
    case LOOM_OPTION_ENUM: return "a string";
    case LOOM_OPTION_STRING_LIST: return "a list of strings (or a single string)";
    case LOOM_OPTION_STRING_MAP: return "a mapping of strings to strings";
    case LOOM_OPTION_INT_LIST: return "a list of integers (or a single integer)";
    case LOOM_OPTION_FLOAT_LIST: return "a list of numbers (or a single number)";
  }
  return "?";
}

// Binds one option value, reporting mismatches. `subject` reads "option 'x' of filter 'y'
// (node 'z')"; for a plugin's own default it is phrased as a plugin bug instead.
class ValueBinder {
 public:
  ValueBinder(const loom_option_spec& spec, std::string subject, const std::string& file,
              bool is_default, std::vector<std::string> default_notes,
              std::vector<Diagnostic>& diagnostics)
      : spec_(spec),
        subject_(std::move(subject)),
        file_(file),
        is_default_(is_default),
        default_notes_(std::move(default_notes)),
        diagnostics_(diagnostics) {}

  bool bind(const ConfigValue& value, BoundOptions& store, loom_option_value& out) {
    switch (spec_.type) {
      case LOOM_OPTION_BOOL: return bind_bool(value, out);
      case LOOM_OPTION_INT: return bind_int(value, out);
      case LOOM_OPTION_FLOAT: return bind_float(value, out);
      case LOOM_OPTION_STRING:
        if (value.type != ConfigValue::Type::scalar) return mismatch(value);
        out.s = store.keep(value.scalar);
        return true;
      case LOOM_OPTION_ENUM: return bind_enum(value, store, out);
      case LOOM_OPTION_STRING_LIST: return bind_list(value, store, out);
      case LOOM_OPTION_STRING_MAP: return bind_map(value, store, out);
      case LOOM_OPTION_INT_LIST: return bind_number_list(value, store, out, true);
      case LOOM_OPTION_FLOAT_LIST: return bind_number_list(value, store, out, false);
    }
    return mismatch(value);
  }

 private:
  void fail(SourceMark mark, std::string message, std::vector<std::string> notes) {
    if (is_default_) {
      notes.insert(notes.end(), default_notes_.begin(), default_notes_.end());
      add_error(diagnostics_, "", {}, std::move(message), std::move(notes));
    } else {
      add_error(diagnostics_, file_, mark, std::move(message), std::move(notes));
    }
  }

  std::string invalid() const {
    return (is_default_ ? "invalid default value for " : "invalid value for ") + subject_;
  }

  bool mismatch(const ConfigValue& value, const std::string& expected = {},
                std::vector<std::string> notes = {}) {
    fail(value.mark,
         invalid() + ": expected " + (expected.empty() ? expected_type(spec_.type) : expected) +
             ", found " + describe_value(value),
         std::move(notes));
    return false;
  }

  // A number written in quotes is a string: say so, since that is the usual mistake.
  std::vector<std::string> quoted_number_note(const ConfigValue& value) const {
    if (value.type == ConfigValue::Type::scalar && value.quoted)
      return {"quoted values are strings; write " + value.scalar + " without quotes"};
    return {};
  }

  bool bind_bool(const ConfigValue& value, loom_option_value& out) {
    if (value.type == ConfigValue::Type::scalar && !value.quoted &&
        (value.scalar == "true" || value.scalar == "false")) {
      out.b = value.scalar == "true" ? 1 : 0;
      return true;
    }
    return mismatch(value, {}, quoted_bool_note(value));
  }

  std::vector<std::string> quoted_bool_note(const ConfigValue& value) const {
    if (value.type == ConfigValue::Type::scalar && value.quoted &&
        (value.scalar == "true" || value.scalar == "false"))
      return quoted_number_note(value);
    return {};
  }

  bool bind_int(const ConfigValue& value, loom_option_value& out) {
    return parse_int(value, "", out.i);
  }

  bool bind_float(const ConfigValue& value, loom_option_value& out) {
    return parse_float(value, "", out.f);
  }

  // `expected` overrides the spec's type in messages (list items are single numbers).
  bool parse_int(const ConfigValue& value, const std::string& expected, std::int64_t& out) {
    if (value.type != ConfigValue::Type::scalar || value.quoted)
      return mismatch(value, expected, numeric_note(value));
    std::string_view text = value.scalar;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t number = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || result.ptr != text.data() + text.size()) return mismatch(value, expected);
    if (result.ec == std::errc::result_out_of_range)
      return mismatch(value, "an integer that fits in 64 bits");
    out = number;
    return check_range(value, static_cast<double>(number), true);
  }

  bool parse_float(const ConfigValue& value, const std::string& expected, double& out) {
    if (value.type != ConfigValue::Type::scalar || value.quoted)
      return mismatch(value, expected, numeric_note(value));
    std::string_view text = value.scalar;
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double number = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
        !std::isfinite(number))
      return mismatch(value, expected);
    out = number;
    return check_range(value, number, false);
  }

  // A sequence of numbers, or one number as a list of one; each item is checked on its own line.
  bool bind_number_list(const ConfigValue& value, BoundOptions& store, loom_option_value& out,
                        bool integer) {
    std::vector<ConfigValue> lone;
    const std::vector<ConfigValue>* items = &value.items;
    if (value.type == ConfigValue::Type::scalar) {
      lone.push_back(value);
      items = &lone;
    } else if (value.type != ConfigValue::Type::sequence) {
      return mismatch(value);
    }
    const std::string expected =
        integer ? "each list item to be an integer" : "each list item to be a number";
    std::vector<std::int64_t> ints(integer ? items->size() : 0);
    std::vector<double> floats(integer ? 0 : items->size());
    bool ok = true;
    for (std::size_t k = 0; k < items->size(); ++k)
      ok = (integer ? parse_int((*items)[k], expected, ints[k])
                    : parse_float((*items)[k], expected, floats[k])) &&
           ok;
    if (!ok) return false;
    out.count = items->size();
    if (integer)
      out.ints = store.keep_ints(std::move(ints));
    else
      out.floats = store.keep_floats(std::move(floats));
    return true;
  }

  std::vector<std::string> numeric_note(const ConfigValue& value) const {
    if (value.type != ConfigValue::Type::scalar || !value.quoted || value.scalar.empty()) return {};
    double ignored = 0;
    const auto result =
        std::from_chars(value.scalar.data(), value.scalar.data() + value.scalar.size(), ignored);
    if (result.ec == std::errc() && result.ptr == value.scalar.data() + value.scalar.size())
      return quoted_number_note(value);
    return {};
  }

  bool check_range(const ConfigValue& value, double number, bool integer) {
    const bool below = spec_.has_min != 0 && number < spec_.min;
    const bool above = spec_.has_max != 0 && number > spec_.max;
    if (!below && !above) return true;
    std::string expected;
    if (spec_.has_min != 0 && spec_.has_max != 0)
      expected = "between " + format_number(spec_.min, integer) + " and " +
                 format_number(spec_.max, integer) + " (inclusive)";
    else if (spec_.has_min != 0)
      expected = "at least " + format_number(spec_.min, integer);
    else
      expected = "at most " + format_number(spec_.max, integer);
    fail(value.mark,
         (is_default_ ? "default value " : "value ") + value.scalar + " is out of range for " +
             subject_ + ": expected " + expected,
         {});
    return false;
  }

  bool bind_enum(const ConfigValue& value, BoundOptions& store, loom_option_value& out) {
    std::vector<std::string> allowed;
    for (std::size_t i = 0; i < spec_.enum_count; ++i) allowed.emplace_back(spec_.enum_values[i]);
    std::vector<std::string> quoted_allowed;
    for (const auto& a : allowed) quoted_allowed.push_back(quote(a));
    const std::string expected = "one of " + join(quoted_allowed, ", ");
    if (value.type != ConfigValue::Type::scalar) return mismatch(value, expected);
    for (const auto& a : allowed)
      if (a == value.scalar) {
        out.s = store.keep(value.scalar);
        return true;
      }
    std::vector<std::string> notes;
    if (const std::string match = closest_match(value.scalar, allowed); !match.empty())
      notes.push_back("did you mean " + quote(match) + "?");
    return mismatch(value, expected, std::move(notes));
  }

  bool bind_list(const ConfigValue& value, BoundOptions& store, loom_option_value& out) {
    std::vector<loom_str> items;
    if (value.type == ConfigValue::Type::scalar) {
      items.push_back(store.keep(value.scalar));
    } else if (value.type == ConfigValue::Type::sequence) {
      bool ok = true;
      for (const ConfigValue& item : value.items) {
        if (item.type != ConfigValue::Type::scalar) {
          fail(
              item.mark,
              invalid() + ": expected each list item to be a string, found " + describe_value(item),
              {});
          ok = false;
          continue;
        }
        items.push_back(store.keep(item.scalar));
      }
      if (!ok) return false;
    } else {
      return mismatch(value);
    }
    out.count = items.size();
    out.items = store.keep_list(std::move(items));
    return true;
  }

  bool bind_map(const ConfigValue& value, BoundOptions& store, loom_option_value& out) {
    if (value.type != ConfigValue::Type::mapping) return mismatch(value);
    std::vector<loom_str> items;
    bool ok = true;
    for (const auto& [key, item] : value.entries) {
      if (item.type != ConfigValue::Type::scalar) {
        fail(item.mark,
             invalid() + ": expected the value of " + quote(key) + " to be a string, found " +
                 describe_value(item),
             {});
        ok = false;
        continue;
      }
      items.push_back(store.keep(key));
      items.push_back(store.keep(item.scalar));
    }
    if (!ok) return false;
    out.count = items.size();
    out.items = store.keep_list(std::move(items));
    return true;
  }

  const loom_option_spec& spec_;
  std::string subject_;
  const std::string& file_;
  bool is_default_;
  std::vector<std::string> default_notes_;
  std::vector<Diagnostic>& diagnostics_;
};

std::string component_label(const ComponentInfo& component) {
  return std::string(kind_name(component.kind)) + " " + quote(component.name);
}

std::string plugin_label(const ComponentInfo& component) {
  if (component.plugin == nullptr) return "an unnamed plugin";
  return "plugin " + quote(component.plugin->name) + " (" + component.plugin->file + ")";
}

}  // namespace

std::unique_ptr<BoundOptions> bind_options(const NodeSpec& node, const ComponentInfo& component,
                                           const std::string& file,
                                           std::vector<Diagnostic>& diagnostics) {
  auto bound = std::make_unique<BoundOptions>();
  const std::string where = component_label(component) + " (node " + quote(node.id) + ")";

  std::vector<std::string> names;
  for (const loom_option_spec& spec : component.options) names.emplace_back(spec.name);

  for (const OptionEntry& entry : node.options) {
    bool known = false;
    for (const auto& name : names) known = known || name == entry.name;
    if (known) continue;
    std::string note =
        names.empty() ? component_label(component) + " takes no options"
                      : did_you_mean(entry.name, names) + "valid options: " + join(names, ", ");
    add_error(diagnostics, file, entry.key_mark,
              "unknown option " + quote(entry.name) + " for " + where, {std::move(note)});
  }

  bound->values.resize(component.options.size());
  for (std::size_t i = 0; i < component.options.size(); ++i) {
    const loom_option_spec& spec = component.options[i];
    loom_option_value& value = bound->values[i];
    value = loom_option_value{};
    value.struct_size = sizeof(loom_option_value);
    const std::string subject = "option " + quote(spec.name) + " of " + where;

    const OptionEntry* entry = nullptr;
    for (const OptionEntry& candidate : node.options)
      if (candidate.name == spec.name) {
        entry = &candidate;
        break;
      }
    if (entry != nullptr) {
      value.present = 1;
      ValueBinder(spec, subject, file, false, {}, diagnostics).bind(entry->value, *bound, value);
      continue;
    }
    if (spec.required != 0 || spec.default_value == nullptr) {
      if (spec.required == 0) continue;  // optional, no default: passed as zero, not present
      std::vector<std::string> notes;
      if (spec.doc != nullptr && *spec.doc != '\0')
        notes.push_back(quote(spec.name) + ": " + spec.doc);
      add_error(diagnostics, file, node.with_mark.line > 0 ? node.with_mark : node.mark,
                "missing required option " + quote(spec.name) + " for " + where, std::move(notes));
      continue;
    }
    const std::vector<std::string> bug_notes{"the default comes from " + plugin_label(component) +
                                             "; this is a bug in the plugin"};
    const std::string default_subject =
        "option " + quote(spec.name) + " of " + component_label(component);
    ConfigValue parsed;
    std::vector<Diagnostic> parse_problems;
    if (!parse_yaml("", spec.default_value, nullptr, parsed, parse_problems) ||
        !parse_problems.empty()) {
      std::vector<std::string> notes{std::string("the default is not valid YAML: ") +
                                     spec.default_value};
      notes.insert(notes.end(), bug_notes.begin(), bug_notes.end());
      add_error(diagnostics, "", {}, "invalid default value for " + default_subject,
                std::move(notes));
      continue;
    }
    ValueBinder(spec, default_subject, file, true, bug_notes, diagnostics)
        .bind(parsed, *bound, value);
  }
  bound->pack(component.option_value_stride());
  return bound;
}

}  // namespace loom
