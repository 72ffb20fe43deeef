#include "runtime/host_table.hpp"

#include "io/io.hpp"
#include "runtime/batch.hpp"

#include <loom/engine/engine.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

// The opaque handles of plugin.h are the engine's own objects.
struct loom_input {
  std::unique_ptr<loom::io::Input> stream;
};
struct loom_output {
  std::unique_ptr<loom::io::Output> file;
};
struct loom_buffer {
  std::string bytes;
};

namespace loom::runtime {
namespace {

Batch* batch_of(loom_batch* b) { return reinterpret_cast<Batch*>(b); }
const Batch* batch_of(const loom_batch* b) { return reinterpret_cast<const Batch*>(b); }
Document* doc_of(loom_doc* d) { return reinterpret_cast<Document*>(d); }
const Document* doc_of(const loom_doc* d) { return reinterpret_cast<const Document*>(d); }
std::string_view view(loom_str s) { return {s.data, s.size}; }
loom_str c_str(std::string_view s) { return {s.data(), s.size()}; }

void fail(loom_error* err, loom_error_code code, std::string_view message) {
  if (err == nullptr) return;
  err->code = code;
  std::snprintf(err->message, sizeof err->message, "%.*s", static_cast<int>(message.size()),
                message.data());
}

// Runs an io call, turning exceptions into a filled loom_error (nothing throws across the ABI).
template <class F>
int io_guard(loom_error* err, F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const io::IoError& e) {
    fail(err, LOOM_ERR_IO, e.what());
  } catch (const std::exception& e) {
    fail(err, LOOM_ERR_INTERNAL, e.what());
  } catch (...) {
    fail(err, LOOM_ERR_INTERNAL, "unknown error");
  }
  return 1;
}

std::mutex log_mutex;
void log_to_stderr(int level, std::string_view message) {
  std::fprintf(stderr, "%s: %.*s\n", log_level_name(level), static_cast<int>(message.size()),
               message.data());
}
std::function<void(int, std::string_view)>& log_sink() {
  static std::function<void(int, std::string_view)> sink = log_to_stderr;
  return sink;
}

// -- batches ---------------------------------------------------------------------------------
size_t batch_size(const loom_batch* b) { return batch_of(b)->docs.size(); }
loom_doc* batch_doc(loom_batch* b, size_t i) {
  Batch* batch = batch_of(b);
  return i < batch->docs.size() ? reinterpret_cast<loom_doc*>(&batch->docs[i]) : nullptr;
}
loom_doc* batch_append(loom_batch* b) {
  return reinterpret_cast<loom_doc*>(&batch_of(b)->append());
}
loom_str batch_shard(const loom_batch* b) {
  const Batch* batch = batch_of(b);
  return batch->shard ? c_str(batch->shard->uri) : loom_str{"", 0};
}
uint64_t batch_shard_index(const loom_batch* b) {
  const Batch* batch = batch_of(b);
  return batch->shard ? batch->shard->index : 0;
}
char* batch_alloc(loom_batch* b, size_t size) { return batch_of(b)->arena.allocate(size); }

// -- documents -------------------------------------------------------------------------------
loom_str doc_text(const loom_doc* d) { return c_str(doc_of(d)->text); }
void doc_set_text(loom_doc* d, loom_str text) {
  Document* doc = doc_of(d);
  doc->batch->set_text(*doc, view(text));
}
int doc_meta_get(const loom_doc* d, loom_str key, loom_value* out) {
  const Document* doc = doc_of(d);
  const MetaEntry* entry = doc->batch->find_meta(*doc, view(key));
  if (entry == nullptr) return 0;
  if (out != nullptr) *out = entry->value;
  return 1;
}
void doc_meta_set(loom_doc* d, loom_str key, const loom_value* value) {
  Document* doc = doc_of(d);
  loom_value null_value{};
  doc->batch->set_meta(*doc, view(key), value != nullptr ? *value : null_value);
}
int doc_meta_remove(loom_doc* d, loom_str key) {
  Document* doc = doc_of(d);
  return doc->batch->remove_meta(*doc, view(key)) ? 1 : 0;
}
int doc_meta_rename(loom_doc* d, loom_str from, loom_str to) {
  Document* doc = doc_of(d);
  return doc->batch->rename_meta(*doc, view(from), view(to)) ? 1 : 0;
}
size_t doc_meta_count(const loom_doc* d) { return doc_of(d)->meta_count; }
int doc_meta_at(const loom_doc* d, size_t index, loom_str* key, loom_value* value) {
  const Document* doc = doc_of(d);
  const MetaEntry* entry = doc->batch->meta_at(*doc, index);
  if (entry == nullptr) return 0;
  if (key != nullptr) *key = c_str(entry->key);
  if (value != nullptr) *value = entry->value;
  return 1;
}
void doc_drop(loom_doc* d, loom_str reason) {
  Document* doc = doc_of(d);
  doc->batch->drop(*doc, view(reason));
}
int doc_is_dropped(const loom_doc* d) { return doc_of(d)->drop_reason.empty() ? 0 : 1; }
void doc_set_origin(loom_doc* d, uint64_t record_index, uint64_t byte_offset) {
  doc_of(d)->record_index = record_index;
  doc_of(d)->byte_offset = byte_offset;
}
void doc_origin(const loom_doc* d, uint64_t* record_index, uint64_t* byte_offset) {
  if (record_index != nullptr) *record_index = doc_of(d)->record_index;
  if (byte_offset != nullptr) *byte_offset = doc_of(d)->byte_offset;
}

// -- lists and io ----------------------------------------------------------------------------
void list_push(loom_list* list, loom_str item) {
  reinterpret_cast<HostList*>(list)->items.emplace_back(view(item));
}
int expand_paths(loom_str pattern, void (*push)(void*, loom_str), void* context, loom_error* err) {
  return io_guard(err, [&] {
    const std::string text(view(pattern));
    io::guard_input(text);
    for (const std::string& path : io::expand_paths(text)) push(context, c_str(path));
  });
}
int input_open(loom_str uri, uint32_t codec, loom_input** out, loom_error* err) {
  return io_guard(err, [&] {
    const std::string text(view(uri));
    io::guard_input(text);
    auto stream = io::open_input(text, static_cast<loom_codec>(codec));
    *out = new loom_input{std::move(stream)};
  });
}
void declare_input(loom_str path_or_pattern) {
  io::guard_input(std::string(view(path_or_pattern)));
}
int64_t input_read(loom_input* in, char* buffer, size_t capacity, loom_error* err) {
  int64_t n = -1;
  if (io_guard(err, [&] { n = static_cast<int64_t>(in->stream->read(buffer, capacity)); }) != 0)
    return -1;
  return n;
}
int64_t input_lend(loom_input* in, const char** data, loom_error* err) {
  int64_t n = -1;
  if (io_guard(err, [&] {
        const std::string_view lent = in->stream->lend();
        *data = lent.data();
        n = static_cast<int64_t>(lent.size());
      }) != 0)
    return -1;
  return n;
}
uint64_t input_raw_position(const loom_input* in) { return in->stream->raw_position(); }
void input_close(loom_input* in) { delete in; }

int output_open(loom_str path, uint32_t codec, int32_t level, loom_output** out, loom_error* err) {
  return io_guard(err, [&] {
    auto file = io::Output::open(std::string(view(path)), static_cast<loom_codec>(codec), level);
    *out = new loom_output{std::move(file)};
  });
}
int output_write(loom_output* out, loom_str data, loom_error* err) {
  return io_guard(err, [&] { out->file->write(view(data)); });
}
int output_write_raw(loom_output* out, loom_str data, loom_error* err) {
  return io_guard(err, [&] { out->file->write_raw(view(data)); });
}
uint64_t output_bytes_written(const loom_output* out) { return out->file->bytes_written(); }
int64_t output_read(loom_output* out, uint64_t offset, char* buffer, size_t capacity,
                    loom_error* err) {
  int64_t n = -1;
  if (io_guard(err, [&] { n = static_cast<int64_t>(out->file->read(offset, buffer, capacity)); }) !=
      0)
    return -1;
  return n;
}
int output_commit(loom_output* out, loom_error* err) {
  std::unique_ptr<loom_output> owned(out);
  return io_guard(err, [&] { owned->file->commit_in_background(); });
}
void output_abort(loom_output* out) {
  std::unique_ptr<loom_output> owned(out);
  try {
    owned->file->abort();
  } catch (...) {
    // Removing a temporary file is best effort; the run already failed or was abandoned.
  }
}
uint32_t codec_for_path(loom_str path) { return io::codec_for_path(view(path)); }

// -- buffers, compression, logging -----------------------------------------------------------
loom_buffer* buffer_create() { return new loom_buffer; }
void buffer_destroy(loom_buffer* b) { delete b; }
void buffer_clear(loom_buffer* b) { b->bytes.clear(); }
void buffer_append(loom_buffer* b, loom_str data) { b->bytes.append(data.data, data.size); }
loom_str buffer_view(const loom_buffer* b) { return c_str(b->bytes); }
int compress_frame(uint32_t codec, int32_t level, loom_str data, loom_buffer* out,
                   loom_error* err) {
  return io_guard(err, [&] {
    io::compress_frame(static_cast<loom_codec>(codec), level, view(data), out->bytes);
  });
}
void batch_count_skipped(loom_batch* b, loom_str reason, uint64_t count) {
  auto& skipped = batch_of(b)->skipped;
  auto it = skipped.find(view(reason));
  if (it == skipped.end()) it = skipped.emplace(std::string(view(reason)), 0).first;
  it->second += count;
}
void log(int32_t level, loom_str message) {
  std::lock_guard lock(log_mutex);
  log_sink()(level, view(message));
}

loom_host make_host() {
  loom_host h{};
  h.struct_size = sizeof(loom_host);
  h.abi_major = LOOM_ABI_MAJOR;
  h.abi_minor = LOOM_ABI_MINOR;
  h.batch_size = batch_size;
  h.batch_doc = batch_doc;
  h.batch_append = batch_append;
  h.batch_shard = batch_shard;
  h.batch_shard_index = batch_shard_index;
  h.batch_alloc = batch_alloc;
  h.doc_text = doc_text;
  h.doc_set_text = doc_set_text;
  h.doc_meta_get = doc_meta_get;
  h.doc_meta_set = doc_meta_set;
  h.doc_meta_remove = doc_meta_remove;
  h.doc_meta_rename = doc_meta_rename;
  h.doc_meta_count = doc_meta_count;
  h.doc_meta_at = doc_meta_at;
  h.doc_drop = doc_drop;
  h.doc_is_dropped = doc_is_dropped;
  h.doc_set_origin = doc_set_origin;
  h.doc_origin = doc_origin;
  h.list_push = list_push;
  h.expand_paths = expand_paths;
  h.input_open = input_open;
  h.input_read = input_read;
  h.input_raw_position = input_raw_position;
  h.input_close = input_close;
  h.output_open = output_open;
  h.output_write = output_write;
  h.output_write_raw = output_write_raw;
  h.output_bytes_written = output_bytes_written;
  h.output_commit = output_commit;
  h.output_abort = output_abort;
  h.codec_for_path = codec_for_path;
  h.buffer_create = buffer_create;
  h.buffer_destroy = buffer_destroy;
  h.buffer_clear = buffer_clear;
  h.buffer_append = buffer_append;
  h.buffer_view = buffer_view;
  h.compress_frame = compress_frame;
  h.log = log;
  h.batch_count_skipped = batch_count_skipped;
  h.declare_input = declare_input;
  h.output_read = output_read;
  h.input_lend = input_lend;
  return h;
}

}  // namespace

const loom_host* host_table() {
  static const loom_host host = make_host();
  return &host;
}

}  // namespace loom::runtime

namespace loom {

void set_log_sink(std::function<void(int, std::string_view)> sink) {
  std::lock_guard lock(runtime::log_mutex);
  runtime::log_sink() = sink ? std::move(sink) : runtime::log_to_stderr;
}

const char* log_level_name(int level) {
  static const char* const names[] = {"debug", "info", "warning", "error"};
  return (level >= 0 && level <= 3) ? names[level] : "log";
}

}  // namespace loom
