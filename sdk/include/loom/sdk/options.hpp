// loom/sdk/options.hpp: options as a plain struct plus a constexpr field list
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
#pragma once

#include <loom/plugin.h>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <loom/sdk/host.hpp>

namespace loom {

// ---------------------------------------------------------------------------------------------
// Options: a plain struct with defaults plus `static constexpr auto fields = std::tuple(...)`
// ---------------------------------------------------------------------------------------------

using StringList = std::vector<std::string>;
using StringMap = std::vector<std::pair<std::string, std::string>>;
// ABI 1.2: min()/max() bound every item.
using IntList = std::vector<std::int64_t>;
using FloatList = std::vector<double>;

template <class T>
struct option_type_of;
template <>
struct option_type_of<bool> {
  static constexpr loom_option_type value = LOOM_OPTION_BOOL;
};
template <>
struct option_type_of<std::int64_t> {
  static constexpr loom_option_type value = LOOM_OPTION_INT;
};
template <>
struct option_type_of<double> {
  static constexpr loom_option_type value = LOOM_OPTION_FLOAT;
};
template <>
struct option_type_of<std::string> {
  static constexpr loom_option_type value = LOOM_OPTION_STRING;
};
template <>
struct option_type_of<StringList> {
  static constexpr loom_option_type value = LOOM_OPTION_STRING_LIST;
};
template <>
struct option_type_of<StringMap> {
  static constexpr loom_option_type value = LOOM_OPTION_STRING_MAP;
};
template <>
struct option_type_of<IntList> {
  static constexpr loom_option_type value = LOOM_OPTION_INT_LIST;
};
template <>
struct option_type_of<FloatList> {
  static constexpr loom_option_type value = LOOM_OPTION_FLOAT_LIST;
};

template <class Opts, class T>
struct Field {
  const char* name;
  T Opts::*member;
  const char* doc;
  bool is_required = false;
  bool has_min = false;
  bool has_max = false;
  double min_value = 0;
  double max_value = 0;
  const char* const* enum_values = nullptr;
  std::size_t enum_count = 0;

  constexpr Field required() const {
    Field f = *this;
    f.is_required = true;
    return f;
  }
  constexpr Field min(double v) const {
    Field f = *this;
    f.has_min = true;
    f.min_value = v;
    return f;
  }
  constexpr Field max(double v) const {
    Field f = *this;
    f.has_max = true;
    f.max_value = v;
    return f;
  }
  constexpr Field range(double lo, double hi) const { return min(lo).max(hi); }
  template <std::size_t N>
  constexpr Field one_of(const char* const (&values)[N]) const {
    static_assert(std::is_same_v<T, std::string>, "one_of() applies to string options");
    Field f = *this;
    f.enum_values = values;
    f.enum_count = N;
    return f;
  }
  constexpr loom_option_type type() const {
    if (enum_values != nullptr) return LOOM_OPTION_ENUM;
    return option_type_of<T>::value;
  }
};

// field("min_chars", &Opts::min_chars, "what it means")
template <class Opts, class T>
constexpr Field<Opts, T> field(const char* name, T Opts::*member, const char* doc) {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> ||
                    std::is_same_v<T, double> || std::is_same_v<T, std::string> ||
                    std::is_same_v<T, StringList> || std::is_same_v<T, StringMap> ||
                    std::is_same_v<T, IntList> || std::is_same_v<T, FloatList>,
                "option members must be bool, std::int64_t, double, std::string, "
                "loom::StringList, loom::StringMap, loom::IntList or loom::FloatList");
  return Field<Opts, T>{name, member, doc};
}

namespace detail {

// YAML text of a default value, as the engine will parse it back.
inline std::string yaml_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
          out += hex;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}
inline std::string default_text(bool v) { return v ? "true" : "false"; }
inline std::string default_text(std::int64_t v) { return std::to_string(v); }
inline std::string default_text(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a float in YAML
  return s;
}
inline std::string default_text(const std::string& v) { return yaml_quote(v); }
inline std::string default_text(const StringList& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_quote(v[i]);
  return out + "]";
}
inline std::string default_text(const IntList& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + default_text(v[i]);
  return out + "]";
}
inline std::string default_text(const FloatList& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + default_text(v[i]);
  return out + "]";
}
inline std::string default_text(const StringMap& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + yaml_quote(v[i].first) + ": " + yaml_quote(v[i].second);
  return out + "}";
}

inline void assign(bool& dst, const loom_option_value& v) { dst = v.b != 0; }
inline void assign(std::int64_t& dst, const loom_option_value& v) { dst = v.i; }
inline void assign(double& dst, const loom_option_value& v) { dst = v.f; }
inline void assign(std::string& dst, const loom_option_value& v) { dst.assign(v.s.data, v.s.size); }
inline void assign(StringList& dst, const loom_option_value& v) {
  dst.clear();
  for (std::size_t k = 0; k < v.count; ++k) dst.emplace_back(to_sv(v.items[k]));
}
inline void assign(IntList& dst, const loom_option_value& v) {
  dst.assign(v.ints, v.ints + (v.ints != nullptr ? v.count : 0));
}
inline void assign(FloatList& dst, const loom_option_value& v) {
  dst.assign(v.floats, v.floats + (v.floats != nullptr ? v.count : 0));
}
inline void assign(StringMap& dst, const loom_option_value& v) {
  dst.clear();
  for (std::size_t k = 0; k + 1 < v.count; k += 2)
    dst.emplace_back(std::string(to_sv(v.items[k])), std::string(to_sv(v.items[k + 1])));
}

template <class Opts>
constexpr std::size_t field_count() {
  return std::tuple_size_v<std::remove_cvref_t<decltype(Opts::fields)>>;
}

// Option specs for Opts, built once; defaults rendered from a default-constructed Opts.
template <class Opts>
struct OptionTable {
  std::vector<std::string> defaults;
  std::vector<loom_option_spec> specs;

  OptionTable() {
    const Opts sample{};
    std::apply(
        [&](const auto&... f) {
          defaults.reserve(sizeof...(f));
          (defaults.push_back(default_text(sample.*(f.member))), ...);
        },
        Opts::fields);
    std::size_t k = 0;
    std::apply(
        [&](const auto&... f) {
          // defaults has one entry per field, required ones included: advance k for each.
          ((specs.push_back(spec_of(f, f.is_required ? nullptr : defaults[k].c_str())), ++k), ...);
        },
        Opts::fields);
  }
  template <class F>
  static loom_option_spec spec_of(const F& f, const char* default_value) {
    loom_option_spec s{};
    s.struct_size = sizeof(loom_option_spec);
    s.type = f.type();
    s.name = f.name;
    s.doc = f.doc;
    s.default_value = default_value;
    s.required = f.is_required ? 1 : 0;
    s.has_min = f.has_min ? 1 : 0;
    s.has_max = f.has_max ? 1 : 0;
    s.min = f.min_value;
    s.max = f.max_value;
    s.enum_values = f.enum_values;
    s.enum_count = f.enum_count;
    return s;
  }
  static const OptionTable& get() {
    static const OptionTable table;
    return table;
  }
};

template <class Opts>
Opts options_from(const loom_option_value* values, std::size_t count) {
  if (count != field_count<Opts>())
    throw Error("the host passed " + std::to_string(count) + " option values, expected " +
                    std::to_string(field_count<Opts>()),
                LOOM_ERR_INTERNAL);
  Opts opts{};
  std::size_t k = 0;
  // The host's elements may be larger than this header's: step by their struct_size.
  std::apply(
      [&](const auto&... f) {
        (assign(opts.*(f.member), *loom_option_value_at(values, k++)), ...);
      },
      Opts::fields);
  return opts;
}

template <class Opts>
concept HasValidate = requires(const Opts& o) {
  o.validate();
};

template <class A, class B>
constexpr bool same_member(A a, B b) {
  if constexpr (std::is_same_v<A, B>)
    return a == b;
  else
    return false;
}

}  // namespace detail

// For Options::validate(): an error about one option (ABI 1.2), which `loom validate` shows at
// that option's line in the graph file: throw loom::option_error(&Opts::weights, "...").
template <class Opts, class T>
Error option_error(T Opts::*member, const std::string& message) {
  std::int64_t index = -1;
  std::int64_t k = 0;
  const char* name = "?";
  auto visit = [&](const auto& field) {
    if (index < 0 && detail::same_member(field.member, member)) {
      index = k;
      name = field.name;
    }
    ++k;
  };
  std::apply([&](const auto&... f) { (visit(f), ...); }, Opts::fields);
  return Error("option '" + std::string(name) + "': " + message, LOOM_ERR_CONFIG, index);
}

// An option struct with no options.
struct NoOptions {
  static constexpr std::tuple<> fields{};
};

}  // namespace loom
