// loom/sdk/host.hpp: the host table, errors, metadata values, documents and batches
// Part of the C++ plugin layer; include <loom/plugin.hpp> rather than this file.
#pragma once

#include <loom/plugin.h>

#include <concepts>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace loom {

inline constexpr std::uint32_t thread_safe = LOOM_FLAG_THREAD_SAFE;
inline constexpr std::uint32_t order_sensitive = LOOM_FLAG_ORDER_SENSITIVE;
// observe() sees every input batch before process() sees any (ABI 1.1).
inline constexpr std::uint32_t whole_input = LOOM_FLAG_WHOLE_INPUT;

// ---------------------------------------------------------------------------------------------
// Host access
// ---------------------------------------------------------------------------------------------

namespace detail {
inline const loom_host*& host_slot() {
  static const loom_host* host = nullptr;
  return host;
}
inline loom_str to_c(std::string_view s) { return loom_str{s.data(), s.size()}; }
inline std::string_view to_sv(loom_str s) { return {s.data, s.size}; }
}  // namespace detail

// The host table this plugin was created with. Valid once any component has been created.
inline const loom_host& host() { return *detail::host_slot(); }

// Thrown inside a component to report a failure; becomes a loom_error at the boundary.
class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, loom_error_code code = LOOM_ERR_INVALID_INPUT,
                 std::int64_t record = -1)
      : std::runtime_error(std::move(message)), code_(code), record_(record) {}
  Error& at_line(std::int64_t line) {
    line_ = line;
    return *this;
  }
  Error& at_offset(std::int64_t offset) {
    offset_ = offset;
    return *this;
  }
  Error& at_record(std::int64_t record) {
    record_ = record;
    return *this;
  }
  loom_error_code code() const { return code_; }
  std::int64_t record() const { return record_; }
  std::int64_t line() const { return line_; }
  std::int64_t offset() const { return offset_; }

 private:
  loom_error_code code_;
  std::int64_t record_;
  std::int64_t line_ = -1;
  std::int64_t offset_ = -1;
};

namespace detail {
// Rethrows a failed host call's error as loom::Error.
inline void check(int rc, const loom_error& err) {
  if (rc != 0) {
    Error e(err.message, static_cast<loom_error_code>(err.code), err.record);
    e.at_line(err.line).at_offset(err.byte_offset);
    throw e;
  }
}
inline loom_error fresh_error() {
  loom_error err{};
  err.struct_size = sizeof(loom_error);
  err.record = -1;
  err.line = -1;
  err.byte_offset = -1;
  return err;
}
}  // namespace detail

inline void log(loom_log_level level, std::string_view message) {
  host().log(level, detail::to_c(message));
}

// A metadata value as read from a document; string views stay valid while the doc is unchanged.
struct Value {
  loom_value_type type = LOOM_VALUE_NULL;
  bool b = false;
  std::int64_t i = 0;
  double f = 0;
  std::string_view s;  // STRING and JSON

  static Value from_c(const loom_value& v) {
    Value out;
    out.type = static_cast<loom_value_type>(v.type);
    switch (out.type) {
      case LOOM_VALUE_BOOL: out.b = v.as.b != 0; break;
      case LOOM_VALUE_INT: out.i = v.as.i; break;
      case LOOM_VALUE_FLOAT: out.f = v.as.f; break;
      case LOOM_VALUE_STRING:
      case LOOM_VALUE_JSON: out.s = detail::to_sv(v.as.s); break;
      default: break;
    }
    return out;
  }
  loom_value to_c() const {
    loom_value v{};
    v.type = type;
    switch (type) {
      case LOOM_VALUE_BOOL: v.as.b = b ? 1 : 0; break;
      case LOOM_VALUE_INT: v.as.i = i; break;
      case LOOM_VALUE_FLOAT: v.as.f = f; break;
      case LOOM_VALUE_STRING:
      case LOOM_VALUE_JSON: v.as.s = detail::to_c(s); break;
      default: break;
    }
    return v;
  }
  static Value null() { return {}; }
  static Value boolean(bool x) {
    Value v;
    v.type = LOOM_VALUE_BOOL;
    v.b = x;
    return v;
  }
  static Value integer(std::int64_t x) {
    Value v;
    v.type = LOOM_VALUE_INT;
    v.i = x;
    return v;
  }
  static Value real(double x) {
    Value v;
    v.type = LOOM_VALUE_FLOAT;
    v.f = x;
    return v;
  }
  static Value string(std::string_view x) {
    Value v;
    v.type = LOOM_VALUE_STRING;
    v.s = x;
    return v;
  }
  static Value json(std::string_view x) {
    Value v;
    v.type = LOOM_VALUE_JSON;
    v.s = x;
    return v;
  }
};

class Doc {
 public:
  explicit Doc(loom_doc* doc) : doc_(doc) {}
  loom_doc* raw() const { return doc_; }

  std::string_view text() const { return detail::to_sv(host().doc_text(doc_)); }
  void set_text(std::string_view text) { host().doc_set_text(doc_, detail::to_c(text)); }

  std::optional<Value> meta(std::string_view key) const {
    loom_value v{};
    if (host().doc_meta_get(doc_, detail::to_c(key), &v) == 0) return std::nullopt;
    return Value::from_c(v);
  }
  void set_meta(std::string_view key, const Value& value) {
    loom_value v = value.to_c();
    host().doc_meta_set(doc_, detail::to_c(key), &v);
  }
  void set_meta(std::string_view key, std::string_view s) { set_meta(key, Value::string(s)); }
  void set_meta(std::string_view key, const char* s) { set_meta(key, Value::string(s)); }
  void set_meta(std::string_view key, bool b) { set_meta(key, Value::boolean(b)); }
  // Any integer (int, std::size_t, ...) is stored as a 64-bit signed integer.
  template <std::integral T>
  requires(!std::same_as<T, bool>) void set_meta(std::string_view key, T i) {
    if constexpr (std::unsigned_integral<T> && sizeof(T) >= sizeof(std::int64_t))
      if (i > static_cast<T>(std::numeric_limits<std::int64_t>::max()))
        throw Error("meta field '" + std::string(key) + "': " + std::to_string(i) +
                        " does not fit in a 64-bit signed integer",
                    LOOM_ERR_INTERNAL);
    set_meta(key, Value::integer(static_cast<std::int64_t>(i)));
  }
  template <std::floating_point T>
  void set_meta(std::string_view key, T f) {
    set_meta(key, Value::real(static_cast<double>(f)));
  }

  // Typed reads: empty when the field is absent or null; a field of another type is bad input
  // (loom::Error naming the field and both types). meta_float also accepts an integer.
  std::optional<std::int64_t> meta_int(std::string_view key) const {
    const auto v = typed_meta(key, LOOM_VALUE_INT, LOOM_VALUE_INT, "an integer");
    return v ? std::optional(v->i) : std::nullopt;
  }
  std::optional<double> meta_float(std::string_view key) const {
    const auto v = typed_meta(key, LOOM_VALUE_FLOAT, LOOM_VALUE_INT, "a number");
    if (!v) return std::nullopt;
    return v->type == LOOM_VALUE_INT ? static_cast<double>(v->i) : v->f;
  }
  std::optional<bool> meta_bool(std::string_view key) const {
    const auto v = typed_meta(key, LOOM_VALUE_BOOL, LOOM_VALUE_BOOL, "true or false");
    return v ? std::optional(v->b) : std::nullopt;
  }
  // The view stays valid while the document is unchanged.
  std::optional<std::string_view> meta_string(std::string_view key) const {
    const auto v = typed_meta(key, LOOM_VALUE_STRING, LOOM_VALUE_STRING, "a string");
    return v ? std::optional(v->s) : std::nullopt;
  }
  bool remove_meta(std::string_view key) {
    return host().doc_meta_remove(doc_, detail::to_c(key)) != 0;
  }
  bool rename_meta(std::string_view from, std::string_view to) {
    return host().doc_meta_rename(doc_, detail::to_c(from), detail::to_c(to)) != 0;
  }
  std::size_t meta_count() const { return host().doc_meta_count(doc_); }
  // Calls f(std::string_view key, const Value&) for each field in insertion order.
  template <class F>
  void for_each_meta(F&& f) const {
    loom_str key{};
    loom_value value{};
    for (std::size_t i = 0; host().doc_meta_at(doc_, i, &key, &value) != 0; ++i)
      f(detail::to_sv(key), Value::from_c(value));
  }

  void drop(std::string_view reason) { host().doc_drop(doc_, detail::to_c(reason)); }
  bool dropped() const { return host().doc_is_dropped(doc_) != 0; }
  void set_origin(std::uint64_t record_index, std::uint64_t byte_offset) {
    host().doc_set_origin(doc_, record_index, byte_offset);
  }
  std::pair<std::uint64_t, std::uint64_t> origin() const {
    std::uint64_t record = 0, offset = 0;
    host().doc_origin(doc_, &record, &offset);
    return {record, offset};
  }

 private:
  std::optional<Value> typed_meta(std::string_view key, loom_value_type type, loom_value_type also,
                                  const char* expected) const {
    std::optional<Value> v = meta(key);
    if (!v || v->type == LOOM_VALUE_NULL) return std::nullopt;
    if (v->type != type && v->type != also)
      throw Error("meta field '" + std::string(key) + "' is " + type_phrase(v->type) +
                  ", expected " + expected);
    return v;
  }
  static const char* type_phrase(loom_value_type type) {
    switch (type) {
      case LOOM_VALUE_BOOL: return "true or false";
      case LOOM_VALUE_INT: return "an integer";
      case LOOM_VALUE_FLOAT: return "a float";
      case LOOM_VALUE_STRING: return "a string";
      case LOOM_VALUE_JSON: return "a JSON array or object";
      default: return "null";
    }
  }

  loom_doc* doc_;
};

class Batch {
 public:
  explicit Batch(loom_batch* batch) : batch_(batch) {}
  loom_batch* raw() const { return batch_; }
  std::size_t size() const { return host().batch_size(batch_); }
  bool empty() const { return size() == 0; }
  Doc operator[](std::size_t i) const { return Doc(host().batch_doc(batch_, i)); }
  Doc append() { return Doc(host().batch_append(batch_)); }
  std::string_view shard() const { return detail::to_sv(host().batch_shard(batch_)); }
  std::uint64_t shard_index() const { return host().batch_shard_index(batch_); }
  // Scratch bytes owned by the batch; text set from here is not copied again.
  char* alloc(std::size_t size) { return host().batch_alloc(batch_, size); }
  // Sources: input records skipped while filling this batch (shown in the run's statistics).
  void count_skipped(std::string_view reason, std::uint64_t count = 1) {
    host().batch_count_skipped(batch_, detail::to_c(reason), count);
  }

  class iterator {
   public:
    iterator(const Batch* b, std::size_t i) : b_(b), i_(i) {}
    Doc operator*() const { return (*b_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Batch* b_;
    std::size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  loom_batch* batch_;
};

}  // namespace loom
