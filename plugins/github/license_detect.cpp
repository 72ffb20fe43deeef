// License id from a LICENSE/COPYING text, by the phrases each license's text is known by.
#include <algorithm>
#include <cctype>
#include <utility>

#include "github_source.hpp"

namespace loom::github {
namespace {

// Lowercase with runs of whitespace folded to one space, so line wrapping does not matter.
std::string normalized(std::string_view text) {
  std::string out;
  bool space = false;
  for (unsigned char c : text) {
    if (std::isspace(c) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace

std::string detect_license(std::string_view text) {
  const std::string t = normalized(text);
  const auto has = [&](std::string_view phrase) { return t.find(phrase) != std::string::npos; };
  if (has("apache license") && has("version 2.0")) return "apache-2.0";
  if (has("mozilla public license") && has("2.0")) return "mpl-2.0";
  // GNU texts name their siblings ("use the GNU Library General Public License instead"), so
  // the family is the one whose title comes first.
  std::size_t first = std::string::npos;
  std::string gnu;
  for (const auto& [title, id] :
       {std::pair<std::string_view, std::string_view>{"gnu general public license", "gpl"},
        {"gnu lesser general public license", "lgpl"},
        {"gnu library general public license", "lgpl"},
        {"gnu affero general public license", "agpl"}}) {
    const std::size_t at = t.find(title);
    if (at < first) first = at, gnu = id;
  }
  if (gnu == "agpl") return "agpl-3.0";
  if (gnu == "lgpl") return has("version 3") ? "lgpl-3.0" : "lgpl-2.1";
  if (gnu == "gpl") return has("version 3,") || has("version 3 ") ? "gpl-3.0" : "gpl-2.0";
  if (has("permission is hereby granted, free of charge")) return "mit";
  if (has("redistribution and use in source and binary forms")) {
    if (has("neither the name") || has("names of its contributors")) return "bsd-3-clause";
    return "bsd-2-clause";
  }
  if (has("permission to use, copy, modify, and/or distribute this software")) return "isc";
  if (has("this is free and unencumbered software released into the public domain"))
    return "unlicense";
  return {};
}

}  // namespace loom::github
