#include "api/test_documents.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace loom {
namespace {

using Type = ConfigValue::Type;

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null"; }

bool parse_int(const std::string& s, std::int64_t& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}

bool parse_float(const std::string& s, double& out) {
  if (s.empty() || s.find_first_of("0123456789") == std::string::npos) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}

std::string render_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // The shortest text that reads back as the same double, like Python's repr.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) {
      std::snprintf(buf, sizeof buf, "%s", shorter);
      break;
    }
  }
  std::string text = buf;
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string render(const ConfigValue& value) {
  if (value.type == Type::sequence) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.items.size(); ++i)
      out += (i ? "," : "") + render(value.items[i]);
    return out + "]";
  }
  if (value.type == Type::mapping) {
    std::string out = "{";
    for (std::size_t i = 0; i < value.entries.size(); ++i)
      out += (i ? "," : "") + json_quote(value.entries[i].first) + ":" +
             render(value.entries[i].second);
    return out + "}";
  }
  if (value.type == Type::null) return "null";
  if (value.quoted) return json_quote(value.scalar);
  const std::string& s = value.scalar;
  std::int64_t i = 0;
  double f = 0;
  if (is_null_word(s)) return "null";
  if (s == "true" || s == "false") return s;
  if (parse_int(s, i)) return std::to_string(i);
  if (parse_float(s, f)) return render_float(f);
  return json_quote(s);
}

std::string render(const loom_value& value) {
  switch (value.type) {
    case LOOM_VALUE_BOOL: return value.as.b != 0 ? "true" : "false";
    case LOOM_VALUE_INT: return std::to_string(value.as.i);
    case LOOM_VALUE_FLOAT: return render_float(value.as.f);
    case LOOM_VALUE_STRING: return json_quote({value.as.s.data, value.as.s.size});
    case LOOM_VALUE_JSON: return std::string(value.as.s.data, value.as.s.size);
    default: return "null";
  }
}

loom_value to_value(const ConfigValue& value, std::string& storage) {
  loom_value out{};
  out.type = LOOM_VALUE_NULL;
  std::int64_t i = 0;
  double f = 0;
  if (value.type == Type::sequence || value.type == Type::mapping) {
    storage = render(value);
    out.type = LOOM_VALUE_JSON;
    out.as.s = loom_str{storage.data(), storage.size()};
  } else if (value.type == Type::null || (!value.quoted && is_null_word(value.scalar))) {
    out.type = LOOM_VALUE_NULL;
  } else if (!value.quoted && (value.scalar == "true" || value.scalar == "false")) {
    out.type = LOOM_VALUE_BOOL;
    out.as.b = value.scalar == "true" ? 1 : 0;
  } else if (!value.quoted && parse_int(value.scalar, i)) {
    out.type = LOOM_VALUE_INT;
    out.as.i = i;
  } else if (!value.quoted && parse_float(value.scalar, f)) {
    out.type = LOOM_VALUE_FLOAT;
    out.as.f = f;
  } else {
    storage = value.scalar;
    out.type = LOOM_VALUE_STRING;
    out.as.s = loom_str{storage.data(), storage.size()};
  }
  return out;
}

std::string shorten(const std::string& quoted, std::size_t focus) {
  constexpr std::size_t keep = 60;
  if (quoted.size() <= 2 * keep + 20) return quoted;
  const std::size_t begin = focus > keep ? focus - keep : 0;
  const std::size_t end = std::min(quoted.size(), focus + keep);
  return (begin > 0 ? "..." : "") + quoted.substr(begin, end - begin) +
         (end < quoted.size() ? "..." : "");
}

std::string describe_meta(const PlainDocument& doc) {
  std::string out = "{";
  for (std::size_t i = 0; i < doc.meta.size(); ++i)
    out += (i ? ", " : "") + json_quote(doc.meta[i].first) + ": " + doc.meta[i].second;
  return out + "}";
}

// A meta value rendered as a JSON float (render_float always writes '.', 'e', "inf" or "nan").
bool rendered_float(const std::string& json, double& out) {
  if (json.empty() || json.front() == '"' || json.front() == '[' || json.front() == '{')
    return false;
  if (json.find_first_of(".ein") == std::string::npos) return false;
  char* end = nullptr;
  out = std::strtod(json.c_str(), &end);
  return *end == '\0';
}

bool same_value(const std::string& expected, const std::string& actual, double tolerance) {
  if (expected == actual) return true;
  double e = 0;
  double a = 0;
  if (tolerance <= 0 || !rendered_float(expected, e) || !rendered_float(actual, a)) return false;
  const double difference = std::abs(e - a);
  return difference <= tolerance || difference <= tolerance * std::abs(e);
}

bool same_meta(const PlainDocument& expected, const PlainDocument& actual, double tolerance) {
  if (expected.meta.size() != actual.meta.size()) return false;
  for (std::size_t i = 0; i < expected.meta.size(); ++i)
    if (expected.meta[i].first != actual.meta[i].first ||
        !same_value(expected.meta[i].second, actual.meta[i].second, tolerance))
      return false;
  return true;
}

std::size_t first_differing_byte(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

PlainDocument plain_document(const TestDocument& doc) {
  PlainDocument plain;
  plain.text = doc.text;
  for (const auto& [key, value] : doc.meta) plain.meta.emplace_back(key, render(value));
  return plain;
}

void append_to_batch(runtime::Batch& batch, const TestDocument& doc, std::uint64_t record) {
  runtime::Document& out = batch.append();
  batch.set_text(out, doc.text);
  out.record_index = record;
  for (const auto& [key, value] : doc.meta) {
    std::string storage;
    batch.set_meta(out, key, to_value(value, storage));
  }
}

PlainDocument capture_document(const runtime::Batch& batch, const runtime::Document& doc) {
  PlainDocument plain;
  plain.text = std::string(doc.text);
  for (std::size_t i = 0; const runtime::MetaEntry* entry = batch.meta_at(doc, i); ++i)
    plain.meta.emplace_back(std::string(entry->key), render(entry->value));
  return plain;
}

std::string describe_document(const PlainDocument& doc) {
  return "{\"text\": " + shorten(json_quote(doc.text), 0) + ", \"meta\": " + describe_meta(doc) +
         "}";
}

std::string first_difference(const std::vector<PlainDocument>& expected,
                             const std::vector<PlainDocument>& actual, double float_tolerance) {
  const std::size_t common = std::min(expected.size(), actual.size());
  for (std::size_t i = 0; i < common; ++i) {
    const PlainDocument& e = expected[i];
    const PlainDocument& a = actual[i];
    const std::string where = "document " + std::to_string(i);
    if (e.text != a.text) {
      const std::size_t at = first_differing_byte(e.text, a.text);
      const std::string eq = json_quote(e.text);
      const std::string aq = json_quote(a.text);
      const std::size_t focus = first_differing_byte(eq, aq);
      return where + ": text differs at byte " + std::to_string(at) +
             "\n    expected: " + shorten(eq, focus) + "\n    actual:   " + shorten(aq, focus);
    }
    if (!same_meta(e, a, float_tolerance))
      return where + ": meta differs (keys are compared in order" +
             (float_tolerance > 0 ? ", floats within " + render_float(float_tolerance) : "") +
             ")\n    expected: " + describe_meta(e) + "\n    actual:   " + describe_meta(a);
  }
  if (expected.size() == actual.size()) return {};
  std::string out = "expected " + std::to_string(expected.size()) + " document(s), got " +
                    std::to_string(actual.size());
  if (actual.size() > common)
    out += "\n    first extra:   " + describe_document(actual[common]);
  else
    out += "\n    first missing: " + describe_document(expected[common]);
  return out;
}

}  // namespace loom
