// loom/testing/harness.hpp: run one component in-process, in a plugin's own tests.
//
// A small, standalone implementation of the loom_host table: batches of documents held in plain
// C++ objects, local uncompressed files only, outputs that appear under their final name only on
// commit, and a log that tests can inspect. On top of it, helpers to load a component (from a
// plugin .so or from a descriptor in the same binary), bind its options from YAML-ish text, and
// run it: process a batch, read a source to the end, feed a sink.
//
// It depends on the standard library, <dlfcn.h> and the SDK headers only, so an out-of-tree plugin
// can use it without the engine. It is deliberately simple: no threads, no compression, no URLs.
#pragma once

#include <dlfcn.h>
#include <loom/plugin.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <loom/plugin.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::testing {

// ---------------------------------------------------------------------------------------------
// Documents as plain values
// ---------------------------------------------------------------------------------------------

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

struct Document {
  std::string text;
  Meta meta;  // insertion order
  bool dropped = false;
  std::string drop_reason;
  std::uint64_t record = 0;  // origin, as set by a source
  std::uint64_t offset = 0;
  std::string shard;  // filled by Instance::read_all

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
  std::vector<Document> docs;
};

// Option values as YAML-ish text, by name: {"paths", "[a.jsonl, b.jsonl]"}, {"min_chars", "5"}.
using OptionMap = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------------------------
// The in-memory host
// ---------------------------------------------------------------------------------------------

namespace detail {

struct HarnessBatch {
  std::string shard;
  std::uint64_t shard_index = 0;
  std::deque<Document> docs;  // deque: appending keeps earlier loom_doc* valid
  std::deque<std::unique_ptr<char[]>> arena;
  std::map<std::string, std::uint64_t> skipped;  // batch_count_skipped, by reason
};

struct HarnessInput {
  std::FILE* file = nullptr;
  std::uint64_t position = 0;
  std::string path;
};

struct HarnessOutput {
  std::FILE* file = nullptr;
  std::string path;
  std::string temp_path;
  std::uint64_t bytes = 0;
};

struct HarnessBuffer {
  std::string bytes;
};

struct LogState {
  std::mutex mutex;
  std::vector<std::string> lines;
  bool echo = true;
};
inline LogState& log_state() {
  static LogState state;
  return state;
}

inline HarnessBatch* batch_of(loom_batch* b) { return reinterpret_cast<HarnessBatch*>(b); }
inline const HarnessBatch* batch_of(const loom_batch* b) {
  return reinterpret_cast<const HarnessBatch*>(b);
}
inline Document* doc_of(loom_doc* d) { return reinterpret_cast<Document*>(d); }
inline const Document* doc_of(const loom_doc* d) { return reinterpret_cast<const Document*>(d); }
inline std::string_view sv(loom_str s) { return {s.data, s.size}; }
inline loom_str cs(std::string_view s) { return loom_str{s.data(), s.size()}; }

inline int fail(loom_error* err, loom_error_code code, const std::string& message) {
  if (err != nullptr) {
    err->code = code;
    std::snprintf(err->message, sizeof err->message, "%s", message.c_str());
  }
  return 1;
}

inline bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
inline bool is_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://");
}

// `*` matches any run of characters, `?` one character.
inline bool wildcard_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p, ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

struct Host {
  static std::size_t batch_size(const loom_batch* b) { return batch_of(b)->docs.size(); }
  static loom_doc* batch_doc(loom_batch* b, std::size_t i) {
    return reinterpret_cast<loom_doc*>(&batch_of(b)->docs.at(i));
  }
  static loom_doc* batch_append(loom_batch* b) {
    return reinterpret_cast<loom_doc*>(&batch_of(b)->docs.emplace_back());
  }
  static loom_str batch_shard(const loom_batch* b) { return cs(batch_of(b)->shard); }
  static std::uint64_t batch_shard_index(const loom_batch* b) { return batch_of(b)->shard_index; }
  static char* batch_alloc(loom_batch* b, std::size_t size) {
    return batch_of(b)->arena.emplace_back(std::make_unique<char[]>(size)).get();
  }
  static void batch_count_skipped(loom_batch* b, loom_str reason, std::uint64_t count) {
    batch_of(b)->skipped[std::string(sv(reason))] += count;
  }

  static loom_str doc_text(const loom_doc* d) { return cs(doc_of(d)->text); }
  static void doc_set_text(loom_doc* d, loom_str text) { doc_of(d)->text.assign(sv(text)); }
  static int doc_meta_get(const loom_doc* d, loom_str key, loom_value* out) {
    const MetaValue* v = doc_of(d)->find(sv(key));
    if (v == nullptr) return 0;
    *out = v->to_c();
    return 1;
  }
  static void doc_meta_set(loom_doc* d, loom_str key, const loom_value* value) {
    MetaValue copy = MetaValue::from_c(*value);
    for (auto& [k, v] : doc_of(d)->meta) {
      if (k == sv(key)) {
        v = std::move(copy);
        return;
      }
    }
    doc_of(d)->meta.emplace_back(std::string(sv(key)), std::move(copy));
  }
  static int doc_meta_remove(loom_doc* d, loom_str key) {
    Meta& meta = doc_of(d)->meta;
    auto it = std::find_if(meta.begin(), meta.end(), [&](auto& kv) { return kv.first == sv(key); });
    if (it == meta.end()) return 0;
    meta.erase(it);
    return 1;
  }
  static int doc_meta_rename(loom_doc* d, loom_str from, loom_str to) {
    Meta& meta = doc_of(d)->meta;
    auto it =
        std::find_if(meta.begin(), meta.end(), [&](auto& kv) { return kv.first == sv(from); });
    if (it == meta.end()) return 0;
    if (sv(from) == sv(to)) return 1;
    std::string new_key(sv(to));
    auto existing =
        std::find_if(meta.begin(), meta.end(), [&](auto& kv) { return kv.first == new_key; });
    if (existing != meta.end()) {
      if (existing < it) --it;  // erasing before `it` shifts it
      meta.erase(existing);
    }
    it->first = std::move(new_key);
    return 1;
  }
  static std::size_t doc_meta_count(const loom_doc* d) { return doc_of(d)->meta.size(); }
  static int doc_meta_at(const loom_doc* d, std::size_t i, loom_str* key, loom_value* value) {
    const Meta& meta = doc_of(d)->meta;
    if (i >= meta.size()) return 0;
    *key = cs(meta[i].first);
    *value = meta[i].second.to_c();
    return 1;
  }
  static void doc_drop(loom_doc* d, loom_str reason) {
    doc_of(d)->dropped = true;
    doc_of(d)->drop_reason.assign(sv(reason));
  }
  static int doc_is_dropped(const loom_doc* d) { return doc_of(d)->dropped ? 1 : 0; }
  static void doc_set_origin(loom_doc* d, std::uint64_t record, std::uint64_t offset) {
    doc_of(d)->record = record;
    doc_of(d)->offset = offset;
  }
  static void doc_origin(const loom_doc* d, std::uint64_t* record, std::uint64_t* offset) {
    *record = doc_of(d)->record;
    *offset = doc_of(d)->offset;
  }

  static void list_push(loom_list* list, loom_str item) {
    reinterpret_cast<std::vector<std::string>*>(list)->emplace_back(sv(item));
  }

  static int expand_paths(loom_str pattern_c, void (*push)(void*, loom_str), void* context,
                          loom_error* err) {
    namespace fs = std::filesystem;
    std::string pattern(sv(pattern_c));
    if (is_url(pattern)) {
      push(context, cs(pattern));
      return 0;
    }
    fs::path path(pattern);
    std::string name = path.filename().string();
    std::string folder = path.parent_path().string();
    if (name.find_first_of("*?") == std::string::npos) {
      std::error_code ec;
      if (!fs::exists(path, ec)) return fail(err, LOOM_ERR_IO, "no file matches '" + pattern + "'");
      push(context, cs(pattern));
      return 0;
    }
    if (folder.find_first_of("*?") != std::string::npos)
      return fail(
          err, LOOM_ERR_IO,
          "the test harness supports wildcards only in the last path component: '" + pattern + "'");
    std::vector<std::string> matches;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder.empty() ? "." : folder, ec)) {
      std::string entry_name = entry.path().filename().string();
      if (entry.is_regular_file() && wildcard_match(name, entry_name))
        matches.push_back(folder.empty() ? entry_name : (fs::path(folder) / entry_name).string());
    }
    if (matches.empty()) return fail(err, LOOM_ERR_IO, "no file matches '" + pattern + "'");
    std::sort(matches.begin(), matches.end());
    for (const auto& m : matches) push(context, cs(m));
    return 0;
  }

  static std::uint32_t codec_for_path(loom_str path) {
    std::string_view p = sv(path);
    if (has_suffix(p, ".gz")) return LOOM_CODEC_GZIP;
    if (has_suffix(p, ".zst")) return LOOM_CODEC_ZSTD;
    if (has_suffix(p, ".bz2")) return LOOM_CODEC_BZIP2;
    return LOOM_CODEC_NONE;
  }

  static int input_open(loom_str uri, std::uint32_t codec, loom_input** out, loom_error* err) {
    std::string path(sv(uri));
    if (is_url(path))
      return fail(err, LOOM_ERR_IO, "the test harness reads local files only, not '" + path + "'");
    if (codec == LOOM_CODEC_AUTO) codec = codec_for_path(uri);
    if (codec != LOOM_CODEC_NONE)
      return fail(err, LOOM_ERR_IO,
                  "the test harness reads uncompressed files only; '" + path +
                      "' needs a decompressor (run it through the engine instead)");
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
      return fail(err, LOOM_ERR_IO, "cannot open '" + path + "': " + std::strerror(errno));
    *out = reinterpret_cast<loom_input*>(new HarnessInput{file, 0, path});
    return 0;
  }
  static std::int64_t input_read(loom_input* in, char* buffer, std::size_t capacity,
                                 loom_error* err) {
    auto* input = reinterpret_cast<HarnessInput*>(in);
    std::size_t n = std::fread(buffer, 1, capacity, input->file);
    if (n == 0 && std::ferror(input->file)) {
      fail(err, LOOM_ERR_IO, "cannot read '" + input->path + "'");
      return -1;
    }
    input->position += n;
    return static_cast<std::int64_t>(n);
  }
  static std::uint64_t input_raw_position(const loom_input* in) {
    return reinterpret_cast<const HarnessInput*>(in)->position;
  }
  static void input_close(loom_input* in) {
    auto* input = reinterpret_cast<HarnessInput*>(in);
    std::fclose(input->file);
    delete input;
  }

  static int output_open(loom_str path_c, std::uint32_t codec, std::int32_t, loom_output** out,
                         loom_error* err) {
    namespace fs = std::filesystem;
    std::string path(sv(path_c));
    if (codec == LOOM_CODEC_AUTO) codec = codec_for_path(path_c);
    if (codec != LOOM_CODEC_NONE)
      return fail(err, LOOM_ERR_IO,
                  "the test harness writes uncompressed files only; '" + path +
                      "' needs a compressor (run it through the engine instead)");
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    static std::atomic<unsigned> counter{0};
    std::string temp = path + ".loom-tmp-" + std::to_string(counter++);
    std::FILE* file = std::fopen(temp.c_str(), "wb");
    if (file == nullptr)
      return fail(err, LOOM_ERR_IO, "cannot create '" + temp + "': " + std::strerror(errno));
    *out = reinterpret_cast<loom_output*>(new HarnessOutput{file, path, temp, 0});
    return 0;
  }
  static int output_write(loom_output* out, loom_str data, loom_error* err) {
    auto* output = reinterpret_cast<HarnessOutput*>(out);
    if (std::fwrite(data.data, 1, data.size, output->file) != data.size)
      return fail(err, LOOM_ERR_IO, "cannot write '" + output->temp_path + "'");
    output->bytes += data.size;
    return 0;
  }
  static std::uint64_t output_bytes_written(const loom_output* out) {
    return reinterpret_cast<const HarnessOutput*>(out)->bytes;
  }
  static int output_commit(loom_output* out, loom_error* err) {
    std::unique_ptr<HarnessOutput> output(reinterpret_cast<HarnessOutput*>(out));
    bool closed = std::fclose(output->file) == 0;
    if (!closed || std::rename(output->temp_path.c_str(), output->path.c_str()) != 0) {
      std::remove(output->temp_path.c_str());
      return fail(err, LOOM_ERR_IO, "cannot commit '" + output->path + "'");
    }
    return 0;
  }
  static void output_abort(loom_output* out) {
    std::unique_ptr<HarnessOutput> output(reinterpret_cast<HarnessOutput*>(out));
    std::fclose(output->file);
    std::remove(output->temp_path.c_str());
  }

  static loom_buffer* buffer_create() { return reinterpret_cast<loom_buffer*>(new HarnessBuffer); }
  static void buffer_destroy(loom_buffer* b) { delete reinterpret_cast<HarnessBuffer*>(b); }
  static void buffer_clear(loom_buffer* b) { reinterpret_cast<HarnessBuffer*>(b)->bytes.clear(); }
  static void buffer_append(loom_buffer* b, loom_str data) {
    reinterpret_cast<HarnessBuffer*>(b)->bytes.append(sv(data));
  }
  static loom_str buffer_view(const loom_buffer* b) {
    return cs(reinterpret_cast<const HarnessBuffer*>(b)->bytes);
  }
  static int compress_frame(std::uint32_t codec, std::int32_t, loom_str data, loom_buffer* out,
                            loom_error* err) {
    if (codec != LOOM_CODEC_NONE)
      return fail(err, LOOM_ERR_IO,
                  "the test harness has no compressor (codec " + std::to_string(codec) + ")");
    buffer_append(out, data);
    return 0;
  }

  static void log(std::int32_t level, loom_str message) {
    static constexpr const char* names[] = {"debug", "info", "warning", "error"};
    std::string line =
        std::string(names[std::clamp(level, 0, 3)]) + ": " + std::string(sv(message));
    LogState& state = log_state();
    std::lock_guard lock(state.mutex);
    if (state.echo) std::cerr << line << '\n';
    state.lines.push_back(std::move(line));
  }
};

}  // namespace detail

// The harness's host table (one per process).
inline const loom_host& host_table() {
  static const loom_host table = [] {
    using H = detail::Host;
    loom_host h{};
    h.struct_size = sizeof(loom_host);
    h.abi_major = LOOM_ABI_MAJOR;
    h.abi_minor = LOOM_ABI_MINOR;
    h.batch_size = H::batch_size;
    h.batch_doc = H::batch_doc;
    h.batch_append = H::batch_append;
    h.batch_shard = H::batch_shard;
    h.batch_shard_index = H::batch_shard_index;
    h.batch_alloc = H::batch_alloc;
    h.doc_text = H::doc_text;
    h.doc_set_text = H::doc_set_text;
    h.doc_meta_get = H::doc_meta_get;
    h.doc_meta_set = H::doc_meta_set;
    h.doc_meta_remove = H::doc_meta_remove;
    h.doc_meta_rename = H::doc_meta_rename;
    h.doc_meta_count = H::doc_meta_count;
    h.doc_meta_at = H::doc_meta_at;
    h.doc_drop = H::doc_drop;
    h.doc_is_dropped = H::doc_is_dropped;
    h.doc_set_origin = H::doc_set_origin;
    h.doc_origin = H::doc_origin;
    h.list_push = H::list_push;
    h.expand_paths = H::expand_paths;
    h.input_open = H::input_open;
    h.input_read = H::input_read;
    h.input_raw_position = H::input_raw_position;
    h.input_close = H::input_close;
    h.output_open = H::output_open;
    h.output_write = H::output_write;
    h.output_write_raw = H::output_write;  // no codec here, so raw and encoded are the same
    h.output_bytes_written = H::output_bytes_written;
    h.output_commit = H::output_commit;
    h.output_abort = H::output_abort;
    h.codec_for_path = H::codec_for_path;
    h.buffer_create = H::buffer_create;
    h.buffer_destroy = H::buffer_destroy;
    h.buffer_clear = H::buffer_clear;
    h.buffer_append = H::buffer_append;
    h.buffer_view = H::buffer_view;
    h.compress_frame = H::compress_frame;
    h.log = H::log;
    h.batch_count_skipped = H::batch_count_skipped;
    return h;
  }();
  // Components compiled into the test binary itself use loom::host() directly.
  if (::loom::detail::host_slot() == nullptr) ::loom::detail::host_slot() = &table;
  return table;
}

// Everything plugins logged so far, as "warning: message" lines.
inline std::vector<std::string> log_lines() {
  auto& state = detail::log_state();
  std::lock_guard lock(state.mutex);
  return state.lines;
}
inline void clear_log() {
  auto& state = detail::log_state();
  std::lock_guard lock(state.mutex);
  state.lines.clear();
}
// Number of logged lines containing `needle`.
inline std::size_t log_count(std::string_view needle) {
  std::size_t n = 0;
  for (const auto& line : log_lines()) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Option binding from YAML-ish text (flow syntax only: scalars, [a, b], {a: b})
// ---------------------------------------------------------------------------------------------

namespace detail {

inline loom::Error config_error(const std::string& message) {
  return loom::Error(message, LOOM_ERR_CONFIG);
}

class FlowParser {
 public:
  explicit FlowParser(std::string_view text, std::string_view option)
      : text_(text), option_(option) {}

  // A whole value that is one scalar (quoted or plain).
  std::string whole_scalar() {
    skip_space();
    std::string value = scalar("");
    skip_space();
    if (pos_ != text_.size()) throw bad("unexpected text after the value");
    return value;
  }
  std::vector<std::string> list() {
    std::vector<std::string> items;
    skip_space();
    expect('[');
    skip_space();
    if (peek() == ']') return ++pos_, finish(items);
    while (true) {
      items.push_back(scalar(",]"));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']');
      return finish(items);
    }
  }
  std::vector<std::string> map() {  // key, value, key, value, ...
    std::vector<std::string> items;
    skip_space();
    expect('{');
    skip_space();
    if (peek() == '}') return ++pos_, finish(items);
    while (true) {
      items.push_back(scalar(":"));
      skip_space();
      expect(':');
      items.push_back(scalar(",}"));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      return finish(items);
    }
  }

 private:
  std::vector<std::string> finish(std::vector<std::string>& items) {
    skip_space();
    if (pos_ != text_.size()) throw bad("unexpected text after the value");
    return std::move(items);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) throw bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  loom::Error bad(const std::string& what) const {
    return config_error("option '" + std::string(option_) + "': cannot parse '" +
                        std::string(text_) + "': " + what + " at column " +
                        std::to_string(pos_ + 1));
  }
  // A plain scalar ends at one of `stops` (a ':' only when followed by a space or the end).
  std::string scalar(std::string_view stops) {
    skip_space();
    if (peek() == '"') return double_quoted();
    if (peek() == '\'') return single_quoted();
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ':' && stops.find(':') != std::string_view::npos &&
          (pos_ + 1 == text_.size() || text_[pos_ + 1] == ' '))
        break;
      if (c != ':' && stops.find(c) != std::string_view::npos) break;
      ++pos_;
    }
    std::string_view value = text_.substr(start, pos_ - start);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return std::string(value);
  }
  std::string double_quoted() {
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'x': {
          if (pos_ + 2 > text_.size()) throw bad("short \\x escape");
          unsigned v = 0;
          std::from_chars(text_.data() + pos_, text_.data() + pos_ + 2, v, 16);
          out += static_cast<char>(v);
          pos_ += 2;
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
    expect('"');
    return out;
  }
  std::string single_quoted() {
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '\'') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
          out += '\'';
          pos_ += 2;
          continue;
        }
        break;
      }
      out += text_[pos_++];
    }
    expect('\'');
    return out;
  }

  std::string_view text_;
  std::string_view option_;
  std::size_t pos_ = 0;
};

}  // namespace detail

// Checked option values for one component, owning everything the loom_option_value views point
// into.
class BoundOptions {
 public:
  BoundOptions(const loom_component& component, const OptionMap& given) {
    for (const auto& [name, text] : given) {
      bool known = false;
      for (std::size_t k = 0; k < component.option_count; ++k)
        known = known || name == component.options[k].name;
      if (!known)
        throw detail::config_error("unknown option '" + name + "' for component '" +
                                   component.name + "'");
    }
    values_.resize(component.option_count);
    items_.resize(component.option_count);
    for (std::size_t k = 0; k < component.option_count; ++k) {
      const loom_option_spec& spec = component.options[k];
      loom_option_value& value = values_[k];
      value.struct_size = sizeof(loom_option_value);
      const std::string* text = nullptr;
      for (const auto& [name, t] : given)
        if (name == spec.name) text = &t;
      value.present = text != nullptr ? 1 : 0;
      if (text == nullptr) {
        if (spec.default_value == nullptr)
          throw detail::config_error("missing required option '" + std::string(spec.name) +
                                     "' for component '" + component.name + "'");
        strings_.emplace_back(spec.default_value);
        text = &strings_.back();
      }
      bind(spec, *text, value, items_[k]);
    }
  }
  BoundOptions(const BoundOptions&) = delete;
  BoundOptions& operator=(const BoundOptions&) = delete;

  const loom_option_value* data() const { return values_.data(); }
  std::size_t size() const { return values_.size(); }

 private:
  loom_str keep(std::string s) {
    strings_.push_back(std::move(s));
    return loom_str{strings_.back().data(), strings_.back().size()};
  }

  void bind(const loom_option_spec& spec, const std::string& text, loom_option_value& value,
            std::vector<loom_str>& items) {
    detail::FlowParser parser(text, spec.name);
    auto out_of_bounds = [&](double v) {
      if ((spec.has_min && v < spec.min) || (spec.has_max && v > spec.max))
        throw detail::config_error("option '" + std::string(spec.name) + "': " + text +
                                   " is out of range");
    };
    switch (spec.type) {
      case LOOM_OPTION_BOOL: {
        std::string s = parser.whole_scalar();
        if (s != "true" && s != "false")
          throw detail::config_error("option '" + std::string(spec.name) +
                                     "' expects true or false, got '" + s + "'");
        value.b = s == "true" ? 1 : 0;
        break;
      }
      case LOOM_OPTION_INT: {
        std::string s = parser.whole_scalar();
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value.i);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
          throw detail::config_error("option '" + std::string(spec.name) +
                                     "' expects an integer, got '" + s + "'");
        out_of_bounds(static_cast<double>(value.i));
        break;
      }
      case LOOM_OPTION_FLOAT: {
        std::string s = parser.whole_scalar();
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value.f);
        if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
          throw detail::config_error("option '" + std::string(spec.name) +
                                     "' expects a number, got '" + s + "'");
        out_of_bounds(value.f);
        break;
      }
      case LOOM_OPTION_STRING: value.s = keep(parser.whole_scalar()); break;
      case LOOM_OPTION_ENUM: {
        std::string s = parser.whole_scalar();
        bool ok = false;
        std::string allowed;
        for (std::size_t e = 0; e < spec.enum_count; ++e) {
          ok = ok || s == spec.enum_values[e];
          allowed += (e ? ", " : "") + std::string(spec.enum_values[e]);
        }
        if (!ok)
          throw detail::config_error("option '" + std::string(spec.name) + "' expects one of " +
                                     allowed + ", got '" + s + "'");
        value.s = keep(std::move(s));
        break;
      }
      case LOOM_OPTION_STRING_LIST:
      case LOOM_OPTION_STRING_MAP: {
        std::string_view trimmed = text;
        while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
        std::vector<std::string> parsed;
        if (spec.type == LOOM_OPTION_STRING_MAP)
          parsed = parser.map();
        else if (trimmed.starts_with("["))
          parsed = parser.list();
        else
          parsed.push_back(parser.whole_scalar());  // a lone string is a list of one
        for (auto& s : parsed) items.push_back(keep(std::move(s)));
        value.items = items.data();
        value.count = items.size();
        break;
      }
      default:
        throw detail::config_error("option '" + std::string(spec.name) + "' has unknown type " +
                                   std::to_string(spec.type));
    }
  }

  std::deque<std::string> strings_;  // deque: stable addresses for the views
  std::vector<loom_option_value> values_;
  std::vector<std::vector<loom_str>> items_;
};

// ---------------------------------------------------------------------------------------------
// Plugins and component instances
// ---------------------------------------------------------------------------------------------

inline loom_error fresh_error() { return ::loom::detail::fresh_error(); }

// Turns a failed call's loom_error into a loom::Error carrying code, record, line and offset.
inline void check(int rc, const loom_error& err) { ::loom::detail::check(rc, err); }

class Plugin {
 public:
  // Loads a plugin .so and keeps it loaded for the life of the process (like the engine does).
  static Plugin load(const std::string& path) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error("cannot load '" + path + "': " + ::dlerror());
    auto entry = reinterpret_cast<loom_plugin_entry_fn>(::dlsym(handle, LOOM_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr)
      throw std::runtime_error("'" + path + "' does not export " LOOM_PLUGIN_ENTRY_SYMBOL);
    return from(entry(), path);
  }
  // A plugin whose LOOM_PLUGIN(...) is compiled into the test binary: from(loom_plugin_entry()).
  static Plugin from(const loom_plugin* plugin, std::string origin = "(in-process)") {
    if (plugin == nullptr || plugin->abi_major != LOOM_ABI_MAJOR ||
        plugin->abi_minor > LOOM_ABI_MINOR)
      throw std::runtime_error("'" + origin + "' was built for an incompatible ABI");
    return Plugin(plugin);
  }

  const loom_plugin& descriptor() const { return *plugin_; }
  const loom_component& component(std::string_view name) const {
    for (std::size_t i = 0; i < plugin_->component_count; ++i)
      if (name == plugin_->components[i]->name) return *plugin_->components[i];
    throw std::runtime_error("plugin '" + std::string(plugin_->name) + "' has no component '" +
                             std::string(name) + "'");
  }

 private:
  explicit Plugin(const loom_plugin* plugin) : plugin_(plugin) {}
  const loom_plugin* plugin_;
};

// Binds options and runs the component's validate(); throws loom::Error on any problem.
inline void check_options(const loom_component& component, const OptionMap& options) {
  BoundOptions bound(component, options);
  if (component.validate != nullptr) {
    loom_error err = fresh_error();
    check(component.validate(bound.data(), bound.size(), &err), err);
  }
}

// One created component. Every failure is rethrown as loom::Error.
class Instance {
 public:
  Instance(const loom_component& component, const OptionMap& options) : component_(component) {
    BoundOptions bound(component, options);
    loom_error err = fresh_error();
    if (component.validate != nullptr)
      check(component.validate(bound.data(), bound.size(), &err), err);
    check(component.create(&host_table(), bound.data(), bound.size(), &self_, &err), err);
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    if (self_ != nullptr) component_.destroy(self_);
  }

  const loom_component& component() const { return component_; }

  // Cleaners, filters, dedupers: runs process() on one batch and returns the documents after it.
  std::vector<Document> process(const BatchInput& input) {
    detail::HarnessBatch batch = make_batch(input);
    loom_error err = fresh_error();
    check(component_.process(self_, reinterpret_cast<loom_batch*>(&batch), &err), err);
    return {std::make_move_iterator(batch.docs.begin()), std::make_move_iterator(batch.docs.end())};
  }
  std::vector<Document> process(std::vector<Document> docs) {
    return process(BatchInput{"test.jsonl", 0, std::move(docs)});
  }

  // Sources.
  std::vector<std::string> shards() {
    std::vector<std::string> out;
    loom_error err = fresh_error();
    check(component_.list_shards(self_, reinterpret_cast<loom_list*>(&out), &err), err);
    return out;
  }
  // Reads every shard to the end, in order; each document records its shard.
  std::vector<Document> read_all(std::size_t target_bytes = 1 << 20) {
    std::vector<Document> out;
    std::vector<std::string> list = shards();
    for (std::uint64_t index = 0; index < list.size(); ++index) {
      for (auto& batch : read_shard(list[index], index, target_bytes))
        for (auto& doc : batch) out.push_back(std::move(doc));
    }
    return out;
  }
  // Reads one shard; returns the batches as the source filled them.
  std::vector<std::vector<Document>> read_shard(const std::string& shard, std::uint64_t index,
                                                std::size_t target_bytes = 1 << 20) {
    std::vector<std::vector<Document>> batches;
    void* reader = nullptr;
    loom_error err = fresh_error();
    check(component_.open_shard(self_, detail::cs(shard), index, &reader, &err), err);
    struct Closer {
      Instance* self;
      void* reader;
      ~Closer() { self->component_.close_shard(self->self_, reader); }
    } closer{this, reader};
    for (std::int32_t done = 0; done == 0;) {
      detail::HarnessBatch batch;
      batch.shard = shard;
      batch.shard_index = index;
      err = fresh_error();
      check(component_.read(self_, reader, reinterpret_cast<loom_batch*>(&batch), target_bytes,
                            &done, &err),
            err);
      std::vector<Document> docs;
      for (auto& doc : batch.docs) {
        doc.shard = shard;
        docs.push_back(std::move(doc));
      }
      if (!docs.empty()) batches.push_back(std::move(docs));
    }
    return batches;
  }

  // Sinks: prepare (when the sink has one) then write, like the engine does for one batch.
  void write(const BatchInput& input) {
    detail::HarnessBatch batch = make_batch(input);
    auto* raw = reinterpret_cast<loom_batch*>(&batch);
    void* token = nullptr;
    loom_error err = fresh_error();
    if (component_.prepare != nullptr) check(component_.prepare(self_, raw, &token, &err), err);
    check(component_.write(self_, raw, token, &err), err);
  }
  void finish() {
    loom_error err = fresh_error();
    if (component_.finish != nullptr) check(component_.finish(self_, &err), err);
  }
  // Writes every batch in order, then finishes.
  void run_sink(const std::vector<BatchInput>& batches) {
    for (const auto& b : batches) write(b);
    finish();
  }

 private:
  static detail::HarnessBatch make_batch(const BatchInput& input) {
    detail::HarnessBatch batch;
    batch.shard = input.shard;
    batch.shard_index = input.shard_index;
    batch.docs.assign(input.docs.begin(), input.docs.end());
    return batch;
  }

  const loom_component& component_;
  void* self_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Small file helpers for tests
// ---------------------------------------------------------------------------------------------

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    namespace fs = std::filesystem;
    std::random_device random;
    for (int attempt = 0; attempt < 100; ++attempt) {
      fs::path candidate = fs::temp_directory_path() / ("loom-test-" + std::to_string(random()));
      if (fs::create_directory(candidate)) {
        path_ = candidate;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary folder");
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, std::string_view bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write '" + path + "'");
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Names of the regular files in a folder (not recursive), sorted.
inline std::vector<std::string> list_files(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace loom::testing
