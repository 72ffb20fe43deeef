// JSON string escaping for the benchmarks: the corpus maker writes compact UTF-8 JSON (as C4's
// files are), the floor benchmark writes what Python's json.dumps writes by default.
#pragma once

#include <string>
#include <string_view>

namespace loom::bench {

// Appends `text` as a quoted JSON string, escaping only what JSON requires (", \, controls);
// other UTF-8 passes through (json.dumps(..., ensure_ascii=False)).
void append_json_utf8(std::string& out, std::string_view text);

// Appends `text` as a quoted JSON string the way Python's json.dumps does by default
// (ensure_ascii=True): everything outside ' '..'~' is escaped, \uXXXX in lowercase hex, with
// surrogate pairs above U+FFFF. `text` must be valid UTF-8.
void append_json_python(std::string& out, std::string_view text);

}  // namespace loom::bench
