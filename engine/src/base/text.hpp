// Small text helpers for messages and tables, shared by the engine's areas and the CLI, so that
// lists, quotes, sizes and counts read the same everywhere.
#pragma once

#include <string>
#include <vector>

namespace loom {

// 'name' (in single quotes, as messages name things).
std::string quote(const std::string& text);

// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, const std::string& separator);

// "did you mean 'x'? " when a candidate is within edit distance 2 of `word`, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// Bytes for people: "512 B", "1.5 MB" (powers of 1000).
std::string human_bytes(double bytes);
// A count for people: "950", "12.3k", "4.56M".
std::string human_count(double count);

// Rows padded to aligned columns, two spaces apart; the last column is not padded.
std::vector<std::string> align_columns(const std::vector<std::vector<std::string>>& rows);

}  // namespace loom
