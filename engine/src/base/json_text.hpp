// JSON string literals for the engine's own JSON files (stats.json, the resume manifest, the
// report page's data): one escaper, so they all agree on what a string becomes.
#pragma once

#include <string>
#include <string_view>

namespace loom {

// Appends `s` as a quoted JSON string: '"' and '\\' escaped, control characters as \n, \r, \t or
// \u00XX, other bytes (UTF-8 included) as they are. With `for_html_script`, '<', '>', '&' and DEL
// also become \u00XX, so the text can sit inside a <script> element whatever it holds.
void append_json_string(std::string& out, std::string_view s, bool for_html_script = false);

}  // namespace loom
