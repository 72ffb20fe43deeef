#include "path_template.hpp"

#include <cstdio>

namespace loom::io {
namespace {

constexpr char part_marker = '\x01';  // never in a rendered key: meta values are sanitized

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (s.size() <= suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  s.resize(s.size() - suffix.size());
  return true;
}

// A meta value as a single path component: no folder separators, no control characters.
void append_sanitized(std::string& out, std::string_view value) {
  for (char c : value)
    out += (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  if (value == "." || value == "..") out.back() = '_';
}

std::string meta_text(const Value& v) {
  switch (v.type) {
    case LOOM_VALUE_NULL: return "null";
    case LOOM_VALUE_BOOL: return v.b ? "true" : "false";
    case LOOM_VALUE_INT: return std::to_string(v.i);
    case LOOM_VALUE_FLOAT: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.f);
      return std::string(buf, r.ptr);
    }
    case LOOM_VALUE_STRING:
    case LOOM_VALUE_JSON: return std::string(v.s);
  }
  return {};
}

}  // namespace

std::string shard_stem(std::string_view uri) {
  std::size_t cut = uri.find_first_of("?#");
  if (uri.find("://") != std::string_view::npos && cut != std::string_view::npos)
    uri = uri.substr(0, cut);
  std::size_t slash = uri.find_last_of('/');
  std::string name(slash == std::string_view::npos ? uri : uri.substr(slash + 1));
  for (std::string_view ext : {".gz", ".zst", ".zstd", ".bz2", ".xz"})
    if (strip_suffix(name, ext)) break;
  for (std::string_view ext : {".jsonl", ".json", ".xml", ".7z"})
    if (strip_suffix(name, ext)) break;
  return name;
}

PathTemplate::PathTemplate(std::string_view text) : text_(text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find('{', pos);
    std::size_t stray_close = text.find('}', pos);
    if (stray_close < open)
      throw Error(
          "path '" + text_ + "': '}' without '{' at column " + std::to_string(stray_close + 1),
          LOOM_ERR_CONFIG);
    if (open == std::string_view::npos) {
      segments_.push_back({Segment::literal, std::string(text.substr(pos))});
      break;
    }
    if (open > pos)
      segments_.push_back({Segment::literal, std::string(text.substr(pos, open - pos))});
    std::size_t close = text.find('}', open);
    if (close == std::string_view::npos)
      throw Error(
          "path '" + text_ + "': '{' at column " + std::to_string(open + 1) + " is never closed",
          LOOM_ERR_CONFIG);
    std::string name(text.substr(open + 1, close - open - 1));
    if (name.empty() || name.find('{') != std::string::npos)
      throw Error(
          "path '" + text_ + "': empty or nested placeholder at column " + std::to_string(open + 1),
          LOOM_ERR_CONFIG);
    if (name == "shard") {
      segments_.push_back({Segment::shard, {}});
      uses_shard_ = true;
    } else if (name == "part") {
      segments_.push_back({Segment::part, {}});
      uses_part_ = true;
    } else {
      segments_.push_back({Segment::meta, name});
      meta_fields_.push_back(name);
    }
    pos = close + 1;
  }
}

std::string PathTemplate::key(std::string_view stem, const Doc& doc) const {
  std::string out;
  out.reserve(text_.size() + stem.size());
  for (const Segment& s : segments_) {
    switch (s.kind) {
      case Segment::literal: out += s.text; break;
      case Segment::shard: out += stem; break;
      case Segment::part: out += part_marker; break;
      case Segment::meta: {
        std::optional<Value> v = doc.meta(s.text);
        if (!v)
          throw Error("document has no meta field '" + s.text + "', which the output path '" +
                      text_ + "' uses");
        append_sanitized(out, meta_text(*v));
        break;
      }
    }
  }
  return out;
}

std::string PathTemplate::path(std::string_view key, std::uint64_t part) {
  std::string out;
  char digits[24];
  int n = std::snprintf(digits, sizeof digits, "%05llu", static_cast<unsigned long long>(part));
  for (char c : key) {
    if (c == part_marker) {
      out.append(digits, static_cast<std::size_t>(n));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace loom::io
