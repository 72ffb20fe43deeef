// loom/testing/host.hpp: the harness's loom_host table, a small standalone implementation: batches
// of Documents, local uncompressed files only, outputs that appear under their final name only on
// commit, and a log that tests can inspect. No threads, no compression, no URLs.
#pragma once

#include <loom/plugin.h>
#include <loom/plugin.hpp>
#include <loom/testing/document.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace loom::testing {

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
  std::vector<char> lent;  // input_lend's buffer: the bytes, then the padding
};

// How many bytes the harness's input_lend lends at a time (InputLendBytes).
inline std::atomic<std::size_t>& input_lend_bytes() {
  static std::atomic<std::size_t> bytes{std::size_t{256} << 10};
  return bytes;
}

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
  // Lends from a buffer of the input's; the padding after the bytes is not blank, so that a
  // plugin relying on its value shows up in tests.
  static std::int64_t input_lend(loom_input* in, const char** data, loom_error* err) {
    auto* input = reinterpret_cast<HarnessInput*>(in);
    const std::size_t bytes = std::max<std::size_t>(1, input_lend_bytes().load());
    input->lent.assign(bytes + LOOM_INPUT_LEND_PADDING, '{');
    const std::int64_t n = input_read(in, input->lent.data(), bytes, err);
    *data = input->lent.data();
    return n;
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
  static std::int64_t output_read(loom_output* out, std::uint64_t offset, char* buffer,
                                  std::size_t capacity, loom_error* err) {
    auto* output = reinterpret_cast<HarnessOutput*>(out);
    std::FILE* file =
        std::fflush(output->file) == 0 ? std::fopen(output->temp_path.c_str(), "rb") : nullptr;
    if (file == nullptr || std::fseek(file, static_cast<long>(offset), SEEK_SET) != 0) {
      if (file != nullptr) std::fclose(file);
      fail(err, LOOM_ERR_IO, "cannot read back '" + output->temp_path + "'");
      return -1;
    }
    const std::size_t n = std::fread(buffer, 1, capacity, file);
    std::fclose(file);
    return static_cast<std::int64_t>(n);
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

  // Logged, so a plugin test can check what a source declared (log_count("declared input: ")).
  static void declare_input(loom_str path_or_pattern) {
    const std::string message = "declared input: " + std::string(sv(path_or_pattern));
    log(LOOM_LOG_DEBUG, cs(message));
  }
};

}  // namespace detail

// The harness's host table (one per process); mutable_host_table() is for AsAbi13Host.
inline loom_host& mutable_host_table() {
  static loom_host table = [] {
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
    h.declare_input = H::declare_input;
    h.output_read = H::output_read;
    h.input_lend = H::input_lend;
    return h;
  }();
  // Components compiled into the test binary itself use loom::host() directly.
  if (::loom::detail::host_slot() == nullptr) ::loom::detail::host_slot() = &table;
  return table;
}
inline const loom_host& host_table() { return mutable_host_table(); }

// While one lives, the harness's input_lend lends `bytes` per call (256 KiB otherwise): small
// values put block ends at every position a plugin's own joining must handle. Scoped, so that a
// failed check does not leave the next tests reading in tiny blocks.
class InputLendBytes {
 public:
  explicit InputLendBytes(std::size_t bytes) : saved_(detail::input_lend_bytes().exchange(bytes)) {}
  ~InputLendBytes() { detail::input_lend_bytes() = saved_; }
  InputLendBytes(const InputLendBytes&) = delete;
  InputLendBytes& operator=(const InputLendBytes&) = delete;

 private:
  std::size_t saved_;
};

// While one lives (in a single-threaded test), the harness's host table is an ABI 1.3 host's:
// shorter, without input_lend, so a plugin's fallback for older hosts can be tested.
class AsAbi13Host {
 public:
  AsAbi13Host() : saved_(mutable_host_table()) {
    loom_host& h = mutable_host_table();
    h.struct_size = static_cast<std::uint32_t>(offsetof(loom_host, input_lend));
    h.abi_minor = 3;
    h.input_lend = nullptr;
  }
  ~AsAbi13Host() { mutable_host_table() = saved_; }
  AsAbi13Host(const AsAbi13Host&) = delete;
  AsAbi13Host& operator=(const AsAbi13Host&) = delete;

 private:
  loom_host saved_;
};

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

}  // namespace loom::testing
