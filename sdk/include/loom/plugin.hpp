// loom/plugin.hpp: the header-only C++20 layer for writing Loom plugins.
//
// A component is a class deriving from one of Source, Cleaner, Filter, Deduper or Sink (the base
// class fixes its kind), with
//   static constexpr const char* name, summary;
//   static constexpr std::uint32_t flags;        // optional: loom::thread_safe | order_sensitive
//   using Options = SomeOptions;                 // plain struct + static constexpr `fields`
//   explicit Component(const Options&);
// and the plugin's one .cpp that lists them ends with
//   LOOM_PLUGIN("name", "version", "license", ComponentA, ComponentB)
// Exceptions thrown by a component are caught at the boundary and turned into loom_error.
#pragma once

#include <loom/plugin.h>

#include <array>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace loom {

inline constexpr std::uint32_t thread_safe = LOOM_FLAG_THREAD_SAFE;
inline constexpr std::uint32_t order_sensitive = LOOM_FLAG_ORDER_SENSITIVE;

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
  Error& at_line(std::int64_t line) { line_ = line; return *this; }
  Error& at_offset(std::int64_t offset) { offset_ = offset; return *this; }
  Error& at_record(std::int64_t record) { record_ = record; return *this; }
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
  static Value boolean(bool x) { Value v; v.type = LOOM_VALUE_BOOL; v.b = x; return v; }
  static Value integer(std::int64_t x) { Value v; v.type = LOOM_VALUE_INT; v.i = x; return v; }
  static Value real(double x) { Value v; v.type = LOOM_VALUE_FLOAT; v.f = x; return v; }
  static Value string(std::string_view x) { Value v; v.type = LOOM_VALUE_STRING; v.s = x; return v; }
  static Value json(std::string_view x) { Value v; v.type = LOOM_VALUE_JSON; v.s = x; return v; }
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
  void set_meta(std::string_view key, std::int64_t i) { set_meta(key, Value::integer(i)); }
  void set_meta(std::string_view key, double f) { set_meta(key, Value::real(f)); }
  void set_meta(std::string_view key, bool b) { set_meta(key, Value::boolean(b)); }
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
    iterator& operator++() { ++i_; return *this; }
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

// ---------------------------------------------------------------------------------------------
// Byte streams from the host (files, globs, http(s); compression handled by the host)
// ---------------------------------------------------------------------------------------------

class Input {
 public:
  static Input open(std::string_view uri, loom_codec codec = LOOM_CODEC_AUTO) {
    loom_error err = detail::fresh_error();
    loom_input* in = nullptr;
    detail::check(host().input_open(detail::to_c(uri), codec, &in, &err), err);
    return Input(in);
  }
  Input(Input&& o) noexcept : in_(std::exchange(o.in_, nullptr)) {}
  Input& operator=(Input&& o) noexcept {
    if (this != &o) { close(); in_ = std::exchange(o.in_, nullptr); }
    return *this;
  }
  ~Input() { close(); }
  // Returns bytes read, 0 at the end; throws on failure.
  std::size_t read(char* buffer, std::size_t capacity) {
    loom_error err = detail::fresh_error();
    std::int64_t n = host().input_read(in_, buffer, capacity, &err);
    if (n < 0) detail::check(1, err);
    return static_cast<std::size_t>(n);
  }
  std::uint64_t raw_position() const { return host().input_raw_position(in_); }
  void close() {
    if (in_ != nullptr) host().input_close(std::exchange(in_, nullptr));
  }

 private:
  explicit Input(loom_input* in) : in_(in) {}
  loom_input* in_;
};

// Growable host-owned buffer (so compressed frames never cross the boundary as C++ objects).
class Buffer {
 public:
  Buffer() : buf_(host().buffer_create()) {}
  Buffer(Buffer&& o) noexcept : buf_(std::exchange(o.buf_, nullptr)) {}
  Buffer& operator=(Buffer&&) = delete;
  Buffer(const Buffer&) = delete;
  ~Buffer() {
    if (buf_ != nullptr) host().buffer_destroy(buf_);
  }
  void clear() { host().buffer_clear(buf_); }
  void append(std::string_view data) { host().buffer_append(buf_, detail::to_c(data)); }
  std::string_view view() const { return detail::to_sv(host().buffer_view(buf_)); }
  loom_buffer* raw() const { return buf_; }

 private:
  loom_buffer* buf_;
};

inline void compress_frame(loom_codec codec, int level, std::string_view data, Buffer& out) {
  loom_error err = detail::fresh_error();
  detail::check(host().compress_frame(codec, level, detail::to_c(data), out.raw(), &err), err);
}

inline loom_codec codec_for_path(std::string_view path) {
  return static_cast<loom_codec>(host().codec_for_path(detail::to_c(path)));
}

// A file that appears under its final name only when commit() succeeds; destroyed uncommitted,
// it is removed.
class Output {
 public:
  static Output open(std::string_view path, loom_codec codec = LOOM_CODEC_AUTO, int level = 0) {
    loom_error err = detail::fresh_error();
    loom_output* out = nullptr;
    detail::check(host().output_open(detail::to_c(path), codec, level, &out, &err), err);
    return Output(out);
  }
  Output(Output&& o) noexcept : out_(std::exchange(o.out_, nullptr)) {}
  Output& operator=(Output&& o) noexcept {
    if (this != &o) { abort(); out_ = std::exchange(o.out_, nullptr); }
    return *this;
  }
  ~Output() { abort(); }
  void write(std::string_view data) {
    loom_error err = detail::fresh_error();
    detail::check(host().output_write(out_, detail::to_c(data), &err), err);
  }
  void write_raw(std::string_view data) {
    loom_error err = detail::fresh_error();
    detail::check(host().output_write_raw(out_, detail::to_c(data), &err), err);
  }
  std::uint64_t bytes_written() const { return host().output_bytes_written(out_); }
  void commit() {
    loom_error err = detail::fresh_error();
    loom_output* out = std::exchange(out_, nullptr);
    detail::check(host().output_commit(out, &err), err);
  }
  void abort() {
    if (out_ != nullptr) host().output_abort(std::exchange(out_, nullptr));
  }
  bool is_open() const { return out_ != nullptr; }

 private:
  explicit Output(loom_output* out) : out_(out) {}
  loom_output* out_;
};

// Expands a local path or glob (sorted) or passes an http(s) URL through; throws if nothing
// matches.
std::vector<std::string> expand_paths(std::string_view pattern);

// ---------------------------------------------------------------------------------------------
// Options: a plain struct with defaults plus `static constexpr auto fields = std::tuple(...)`
// ---------------------------------------------------------------------------------------------

using StringList = std::vector<std::string>;
using StringMap = std::vector<std::pair<std::string, std::string>>;

template <class T>
struct option_type_of;
template <>
struct option_type_of<bool> { static constexpr loom_option_type value = LOOM_OPTION_BOOL; };
template <>
struct option_type_of<std::int64_t> { static constexpr loom_option_type value = LOOM_OPTION_INT; };
template <>
struct option_type_of<double> { static constexpr loom_option_type value = LOOM_OPTION_FLOAT; };
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

  constexpr Field required() const { Field f = *this; f.is_required = true; return f; }
  constexpr Field min(double v) const { Field f = *this; f.has_min = true; f.min_value = v; return f; }
  constexpr Field max(double v) const { Field f = *this; f.has_max = true; f.max_value = v; return f; }
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
                    std::is_same_v<T, StringList> || std::is_same_v<T, StringMap>,
                "option members must be bool, std::int64_t, double, std::string, "
                "loom::StringList or loom::StringMap");
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
          ((specs.push_back(spec_of(f, f.is_required ? nullptr : defaults[k].c_str())), ++k),
           ...);
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
  std::apply([&](const auto&... f) { (assign(opts.*(f.member), values[k++]), ...); },
             Opts::fields);
  return opts;
}

template <class Opts>
concept HasValidate = requires(const Opts& o) { o.validate(); };

}  // namespace detail

// An option struct with no options.
struct NoOptions {
  static constexpr std::tuple<> fields{};
};

// ---------------------------------------------------------------------------------------------
// Component base classes; the kind comes from the base
// ---------------------------------------------------------------------------------------------

class ShardReader {
 public:
  virtual ~ShardReader() = default;
  // Appends documents (about target_bytes of text) to the empty batch; returns true at the end.
  virtual bool read(Batch& batch, std::size_t target_bytes) = 0;
};

class Source {
 public:
  static constexpr loom_kind kind = LOOM_KIND_SOURCE;
  static constexpr std::uint32_t flags = 0;
  virtual ~Source() = default;
  virtual std::vector<std::string> shards() = 0;
  virtual std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) = 0;
  virtual void finish() {}
};

// Cleaners, filters and dedupers share one shape: edit or drop documents in a batch.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual void process(Batch& batch) = 0;
  virtual void finish() {}
};
class Cleaner : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_CLEANER;
  static constexpr std::uint32_t flags = thread_safe;
};
class Filter : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_FILTER;
  static constexpr std::uint32_t flags = thread_safe;
};
class Deduper : public Transform {
 public:
  static constexpr loom_kind kind = LOOM_KIND_DEDUPER;
  static constexpr std::uint32_t flags = order_sensitive;
};

// What a sink's prepare() hands to its write().
class SinkToken {
 public:
  virtual ~SinkToken() = default;
};

class Sink {
 public:
  static constexpr loom_kind kind = LOOM_KIND_SINK;
  static constexpr std::uint32_t flags = 0;
  virtual ~Sink() = default;
  // Runs concurrently on any batch (must be thread-safe): encode, compress.
  virtual std::unique_ptr<SinkToken> prepare(Batch&) { return nullptr; }
  // Runs serially, in input order.
  virtual void write(Batch& batch, std::unique_ptr<SinkToken> token) = 0;
  virtual void finish() {}
};

// ---------------------------------------------------------------------------------------------
// Trampolines: the only place exceptions are caught
// ---------------------------------------------------------------------------------------------

namespace detail {

inline void fill_error(loom_error* err, const char* message, loom_error_code code,
                       std::int64_t record = -1, std::int64_t line = -1,
                       std::int64_t offset = -1) {
  if (err == nullptr) return;
  err->code = code;
  err->record = record;
  err->line = line;
  err->byte_offset = offset;
  std::snprintf(err->message, sizeof err->message, "%s", message);
}

template <class F>
int guarded(loom_error* err, F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const Error& e) {
    fill_error(err, e.what(), e.code(), e.record(), e.line(), e.offset());
  } catch (const std::exception& e) {
    fill_error(err, e.what(), LOOM_ERR_INTERNAL);
  } catch (...) {
    fill_error(err, "unknown exception", LOOM_ERR_INTERNAL);
  }
  return 1;
}

template <class T>
struct Trampolines {
  using Opts = typename T::Options;

  static int validate(const loom_option_value* values, std::size_t count, loom_error* err) {
    return guarded(err, [&] {
      Opts opts = options_from<Opts>(values, count);
      if constexpr (HasValidate<Opts>) opts.validate();
    });
  }
  static int create(const loom_host* h, const loom_option_value* values, std::size_t count,
                    void** out, loom_error* err) {
    return guarded(err, [&] {
      if (host_slot() == nullptr) host_slot() = h;
      Opts opts = options_from<Opts>(values, count);
      if constexpr (HasValidate<Opts>) opts.validate();
      *out = new T(opts);
    });
  }
  static void destroy(void* self) { delete static_cast<T*>(self); }
  static int finish(void* self, loom_error* err) {
    return guarded(err, [&] { static_cast<T*>(self)->finish(); });
  }
  static int process(void* self, loom_batch* batch, loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      static_cast<T*>(self)->process(b);
    });
  }
  static int list_shards(void* self, loom_list* out, loom_error* err) {
    return guarded(err, [&] {
      for (const std::string& s : static_cast<T*>(self)->shards())
        host().list_push(out, to_c(s));
    });
  }
  static int open_shard(void* self, loom_str shard, std::uint64_t index, void** reader,
                        loom_error* err) {
    return guarded(err, [&] {
      *reader = static_cast<T*>(self)->open(to_sv(shard), index).release();
    });
  }
  static int read(void*, void* reader, loom_batch* batch, std::size_t target, std::int32_t* done,
                  loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      *done = static_cast<ShardReader*>(reader)->read(b, target) ? 1 : 0;
    });
  }
  static void close_shard(void*, void* reader) { delete static_cast<ShardReader*>(reader); }
  static int prepare(void* self, loom_batch* batch, void** token, loom_error* err) {
    return guarded(err, [&] {
      Batch b(batch);
      *token = static_cast<T*>(self)->prepare(b).release();
    });
  }
  static int write(void* self, loom_batch* batch, void* token, loom_error* err) {
    std::unique_ptr<SinkToken> owned(static_cast<SinkToken*>(token));
    return guarded(err, [&] {
      Batch b(batch);
      static_cast<T*>(self)->write(b, std::move(owned));
    });
  }
  static void discard(void*, void* token) { delete static_cast<SinkToken*>(token); }

  static loom_component describe() {
    static_assert(std::is_base_of_v<Source, T> || std::is_base_of_v<Transform, T> ||
                      std::is_base_of_v<Sink, T>,
                  "a component derives from loom::Source, Cleaner, Filter, Deduper or Sink");
    const auto& table = OptionTable<Opts>::get();
    loom_component c{};
    c.struct_size = sizeof(loom_component);
    c.kind = T::kind;
    c.flags = T::flags;
    c.name = T::name;
    c.summary = T::summary;
    c.options = table.specs.data();
    c.option_count = table.specs.size();
    c.validate = &validate;
    c.create = &create;
    c.destroy = &destroy;
    c.finish = &finish;
    if constexpr (std::is_base_of_v<Transform, T>) c.process = &process;
    if constexpr (std::is_base_of_v<Source, T>) {
      c.list_shards = &list_shards;
      c.open_shard = &open_shard;
      c.read = &read;
      c.close_shard = &close_shard;
    }
    if constexpr (std::is_base_of_v<Sink, T>) {
      c.prepare = &prepare;
      c.write = &write;
      c.discard = &discard;
    }
    return c;
  }
};

template <class... Components>
struct PluginDescriptor {
  std::array<loom_component, sizeof...(Components)> components;
  std::array<const loom_component*, sizeof...(Components)> pointers;
  loom_plugin plugin{};

  PluginDescriptor(const char* name, const char* version, const char* license)
      : components{Trampolines<Components>::describe()...} {
    for (std::size_t i = 0; i < components.size(); ++i) pointers[i] = &components[i];
    plugin.struct_size = sizeof(loom_plugin);
    plugin.abi_major = LOOM_ABI_MAJOR;
    plugin.abi_minor = LOOM_ABI_MINOR;
    plugin.name = name;
    plugin.version = version;
    plugin.license = license;
    plugin.components = pointers.data();
    plugin.component_count = pointers.size();
  }
};

}  // namespace detail

inline std::vector<std::string> expand_paths(std::string_view pattern) {
  std::vector<std::string> out;
  loom_error err = detail::fresh_error();
  auto push = [](void* context, loom_str path) {
    static_cast<std::vector<std::string>*>(context)->emplace_back(path.data, path.size);
  };
  detail::check(host().expand_paths(detail::to_c(pattern), push, &out, &err), err);
  return out;
}

}  // namespace loom

// Defines the plugin's one exported symbol. Use once per plugin, in its plugin.cpp.
#define LOOM_PLUGIN(NAME, VERSION, LICENSE, ...)                                             \
  extern "C" LOOM_EXPORT const loom_plugin* loom_plugin_entry(void) {                        \
    static const ::loom::detail::PluginDescriptor<__VA_ARGS__> descriptor(NAME, VERSION,     \
                                                                          LICENSE);          \
    return &descriptor.plugin;                                                               \
  }
