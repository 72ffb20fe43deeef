#include "cli/option_format.hpp"

#include <loom/engine/engine.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace loom::cli {
namespace {

std::string number_text(double value, bool integer) {
  if (integer && std::abs(value) < 9.0e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace

std::string option_type_text(const loom_option_spec& spec) {
  switch (spec.type) {
    case LOOM_OPTION_BOOL: return "bool";
    case LOOM_OPTION_INT: return "int";
    case LOOM_OPTION_FLOAT: return "float";
    case LOOM_OPTION_STRING: return "string";
    case LOOM_OPTION_ENUM: return "enum";
    case LOOM_OPTION_STRING_LIST: return "string list";
    case LOOM_OPTION_STRING_MAP: return "string map";
    case LOOM_OPTION_INT_LIST: return "int list";
    case LOOM_OPTION_FLOAT_LIST: return "float list";
  }
  return "unknown type " + std::to_string(spec.type);
}

std::string option_default_text(const loom_option_spec& spec) {
  if (spec.required != 0) return "required";
  return spec.default_value != nullptr ? spec.default_value : "";
}

std::string option_bounds_text(const loom_option_spec& spec) {
  const bool integer = spec.type == LOOM_OPTION_INT || spec.type == LOOM_OPTION_INT_LIST;
  if (spec.has_min != 0 && spec.has_max != 0)
    return "[" + number_text(spec.min, integer) + ", " + number_text(spec.max, integer) + "]";
  if (spec.has_min != 0) return ">= " + number_text(spec.min, integer);
  if (spec.has_max != 0) return "<= " + number_text(spec.max, integer);
  return "";
}

std::string option_values_text(const loom_option_spec& spec) {
  if (spec.type != LOOM_OPTION_ENUM || spec.enum_values == nullptr) return "";
  std::string out;
  for (std::size_t i = 0; i < spec.enum_count; ++i)
    out += (i ? ", " : "") + std::string(spec.enum_values[i]);
  return out;
}

std::string option_doc_text(const loom_option_spec& spec) {
  return spec.doc != nullptr ? spec.doc : "";
}

std::vector<const loom_option_spec*> component_options(const ComponentInfo& component) {
  std::vector<const loom_option_spec*> options;
  for (const loom_option_spec& spec : component.options) options.push_back(&spec);
  return options;
}

std::string component_summary(const ComponentInfo& component) {
  return component.component->summary != nullptr ? component.component->summary : "";
}

PluginCatalogue load_all_plugins(const Context& ctx, bool& loaded_cleanly) {
  std::vector<Diagnostic> diagnostics;
  PluginCatalogue catalogue = PluginCatalogue::load(ctx.plugin_paths, diagnostics);
  if (!diagnostics.empty()) std::fputs(render_all(diagnostics).c_str(), stderr);
  loaded_cleanly = !has_errors(diagnostics);
  return catalogue;
}

}  // namespace loom::cli
