// The drop reasons and meta fields a component declares in its descriptor (ABI 1.3): read once at
// registration, shown by `loom plugins inspect` and `loom schema`, checked by debug runs.
#pragma once

#include <loom/plugin.h>
#include <loom/engine/plugins.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom {

// Reads a component's declarations; `named` ("plugin 'x' (...): component 'y'") prefixes the
// error returned for a malformed list (empty when the lists are fine or absent).
std::string read_declared_names(const loom_component& component, const std::string& named,
                                DeclaredNames& drop_reasons, DeclaredNames& meta_fields);

// Whether `name` is one of `declared`, a trailing '*' in a declaration matching any suffix.
bool is_declared(const std::vector<DeclaredName>& declared, std::string_view name);

}  // namespace loom
