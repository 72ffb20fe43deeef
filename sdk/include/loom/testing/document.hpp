// loom/testing/document.hpp: documents, metadata values and option text as plain C++ values, so
// tests can build inputs and inspect outputs that outlive the batches a component saw.
#pragma once

#include <loom/plugin.h>

#include <concepts>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::testing {

// An owned metadata value (loom::Value holds views; tests need values that outlive the batch).
struct MetaValue {
  loom_value_type type = LOOM_VALUE_NULL;
  bool b = false;
  std::int64_t i = 0;
  double f = 0;
  std::string s;  // STRING and JSON

  MetaValue() = default;
  MetaValue(const char* v) : type(LOOM_VALUE_STRING), s(v) {}
  MetaValue(std::string v) : type(LOOM_VALUE_STRING), s(std::move(v)) {}
  MetaValue(bool v) : type(LOOM_VALUE_BOOL), b(v) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) MetaValue(T v)
      : type(LOOM_VALUE_INT), i(static_cast<std::int64_t>(v)) {}
  MetaValue(double v) : type(LOOM_VALUE_FLOAT), f(v) {}
  static MetaValue null() { return {}; }
  static MetaValue json(std::string text) {
    MetaValue v;
    v.type = LOOM_VALUE_JSON;
    v.s = std::move(text);
    return v;
  }

  bool operator==(const MetaValue&) const = default;

  loom_value to_c() const {
    loom_value v{};
    v.type = type;
    switch (type) {
      case LOOM_VALUE_BOOL: v.as.b = b ? 1 : 0; break;
      case LOOM_VALUE_INT: v.as.i = i; break;
      case LOOM_VALUE_FLOAT: v.as.f = f; break;
      case LOOM_VALUE_STRING:
      case LOOM_VALUE_JSON: v.as.s = loom_str{s.data(), s.size()}; break;
      default: break;
    }
    return v;
  }
  static MetaValue from_c(const loom_value& v) {
    MetaValue out;
    out.type = static_cast<loom_value_type>(v.type);
    switch (out.type) {
      case LOOM_VALUE_BOOL: out.b = v.as.b != 0; break;
      case LOOM_VALUE_INT: out.i = v.as.i; break;
      case LOOM_VALUE_FLOAT: out.f = v.as.f; break;
      case LOOM_VALUE_STRING:
      case LOOM_VALUE_JSON: out.s.assign(v.as.s.data, v.as.s.size); break;
      default: break;
    }
    return out;
  }
};

inline std::ostream& operator<<(std::ostream& os, const MetaValue& v) {
  switch (v.type) {
    case LOOM_VALUE_NULL: return os << "null";
    case LOOM_VALUE_BOOL: return os << (v.b ? "true" : "false");
    case LOOM_VALUE_INT: return os << v.i;
    case LOOM_VALUE_FLOAT: return os << v.f << " (float)";
    case LOOM_VALUE_STRING: return os << '"' << v.s << '"';
    case LOOM_VALUE_JSON: return os << v.s << " (json)";
  }
  return os << "?";
}

using Meta = std::vector<std::pair<std::string, MetaValue>>;

// Every member past `text` has a default initializer, so Document{"text"} and
// Document{"text", {{"key", value}}} compile warning-free under -Wextra.
struct Document {
  std::string text;
  Meta meta{};  // insertion order
  bool dropped = false;
  std::string drop_reason{};
  std::uint64_t record = 0;  // origin, as set by a source
  std::uint64_t offset = 0;
  std::string shard{};  // filled by Instance::read_all

  const MetaValue* find(std::string_view key) const {
    for (const auto& [k, v] : meta)
      if (k == key) return &v;
    return nullptr;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& kv : meta) out.push_back(kv.first);
    return out;
  }
};

// What a sink or transform receives: documents tagged with the shard they came from.
struct BatchInput {
  std::string shard = "test.jsonl";
  std::uint64_t shard_index = 0;
  std::vector<Document> docs{};
};

// Option values as YAML-ish text, by name: {"paths", "[a.jsonl, b.jsonl]"}, {"min_chars", "5"}.
using OptionMap = std::vector<std::pair<std::string, std::string>>;

}  // namespace loom::testing
