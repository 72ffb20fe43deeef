// Text for components and their option schemas, shared by `loom plugins inspect` (terminal
// tables) and `loom schema --markdown` (reference pages), so both always say the same thing.
#pragma once

#include "cli/verbs.hpp"

#include <loom/plugin.h>
#include <loom/engine/plugins.hpp>

#include <string>
#include <vector>

namespace loom::cli {

// "bool", "int", "float", "string", "enum", "string list", "string map".
std::string option_type_text(const loom_option_spec& spec);
// The default as YAML text, "required", or "" when the option has neither.
std::string option_default_text(const loom_option_spec& spec);
// "[0, 1]", ">= 0", "<= 10", or "" when unbounded; ints print as ints.
std::string option_bounds_text(const loom_option_spec& spec);
// Allowed values of an enum, comma-separated; "" for other types.
std::string option_values_text(const loom_option_spec& spec);
std::string option_doc_text(const loom_option_spec& spec);

// The component's options, in declaration order.
std::vector<const loom_option_spec*> component_options(const ComponentInfo& component);
std::string component_summary(const ComponentInfo& component);
// Loads every plugin on the search path for the verbs that describe plugins. Problems are
// printed to stderr; `loaded_cleanly` says whether none was an error.
PluginCatalogue load_all_plugins(const Context& ctx, bool& loaded_cleanly);

}  // namespace loom::cli
