// JSON text output shared by jsonl_sink's styles.
//
// `python` reproduces Python 3's json.dumps(obj) with default arguments byte for byte:
// ensure_ascii escaping (\uXXXX, surrogate pairs for astral code points), ", " and ": "
// separators, floats as repr(). `python_utf8` is json.dumps(obj, ensure_ascii=False), what
// cc_net's jsonql writes: the same separators, UTF-8 kept as is. `compact` keeps UTF-8 as is,
// writes no spaces and escapes only what JSON requires.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace loom::io {

enum class JsonStyle { python, python_utf8, compact };

// Whether the style writes ", " and ": " (Python's default separators).
constexpr bool spaced(JsonStyle style) { return style != JsonStyle::compact; }

// Appends s as a quoted JSON string. Returns false (having appended a prefix) if s is not valid
// UTF-8 in python style, where every code point has to be decoded.
bool append_string(std::string& out, std::string_view s, JsonStyle style);

// Appends a double the way Python's repr() writes it (json.dumps writes Infinity, -Infinity and
// NaN for the non-finite values).
void append_python_float(std::string& out, double value);

// Appends a JSON number token as Python would write it after json.loads: integers exactly,
// everything else through a double.
void append_python_number(std::string& out, std::string_view token);

// Re-serializes compact or spaced JSON text (an array, object or number) as json.dumps would
// in `style` (python or python_utf8).
// `parser` is the caller's (one per thread); throws simdjson::simdjson_error on malformed input.
void append_python_json(std::string& out, std::string_view json, JsonStyle style,
                        simdjson::ondemand::parser& parser);

}  // namespace loom::io
