/*
 * loom/plugin.h: the C ABI between the Loom engine (the host) and plugins.
 *
 * This is the only file the binary-compatibility promise covers (see sdk/VERSIONING.md):
 *  - a plugin built against ABI major M, minor m loads into a host of major M, minor >= m;
 *  - every struct starts with its own size, so either side can tell which fields exist;
 *  - the host function table (loom_host) and every struct only ever grow at the end;
 *  - arrays of structs (option specs, option values) are stepped through by the first element's
 *    struct_size, never by the reader's sizeof, so their elements can grow too.
 *
 * Only C types cross this boundary: text as (pointer, length) views, documents as host-owned
 * handles, errors as a struct the plugin fills. No exception, no C++ type, and no memory is freed
 * on the side that did not allocate it.
 */
#ifndef LOOM_PLUGIN_H
#define LOOM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define LOOM_ABI_MAJOR 1
#define LOOM_ABI_MINOR 4

/* ABI 1.4: readable bytes, of any value, that follow the bytes input_lend lends (see there). */
#define LOOM_INPUT_LEND_PADDING 64

#ifdef __cplusplus
extern "C" {
#endif

#define LOOM_EXPORT __attribute__((visibility("default")))

/* ---------------------------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------------------------- */

/* A view of UTF-8 bytes; not NUL-terminated. Valid only as long as its owner says. */
typedef struct loom_str {
  const char* data;
  size_t size;
} loom_str;

/* Opaque host-owned objects. */
typedef struct loom_batch loom_batch;   /* documents handed to one call */
typedef struct loom_doc loom_doc;       /* one document inside a batch */
typedef struct loom_list loom_list;     /* a list of strings the host collects */
typedef struct loom_input loom_input;   /* a readable byte stream (decompressed) */
typedef struct loom_output loom_output; /* a file being written; appears only on commit */
typedef struct loom_buffer loom_buffer; /* a growable host-owned byte buffer */

typedef enum loom_error_code {
  LOOM_ERR_NONE = 0,
  LOOM_ERR_INVALID_INPUT = 1, /* the data is bad (malformed record, bad encoding, ...) */
  LOOM_ERR_IO = 2,            /* reading or writing failed */
  LOOM_ERR_CONFIG = 3,        /* options are inconsistent (from validate or create) */
  LOOM_ERR_INTERNAL = 4       /* a bug or an unexpected condition in the plugin */
} loom_error_code;

#define LOOM_ERROR_MESSAGE_MAX 1024

/* Filled by the plugin when a call returns non-zero. The host zeroes it before each call and sets
 * struct_size and record = -1. */
typedef struct loom_error {
  uint32_t struct_size;
  int32_t code;   /* loom_error_code */
  int64_t record; /* index in the batch of the document that failed (from validate: of the
                   * option at fault, since ABI 1.2), or -1 */
  char message[LOOM_ERROR_MESSAGE_MAX];
  /* For sources: where in the shard the failure is, when known (1-based line, byte offset). */
  int64_t line;
  int64_t byte_offset;
} loom_error;

typedef enum loom_kind {
  LOOM_KIND_SOURCE = 1,
  LOOM_KIND_CLEANER = 2,
  LOOM_KIND_FILTER = 3,
  LOOM_KIND_DEDUPER = 4,
  LOOM_KIND_SINK = 5
} loom_kind;

typedef enum loom_component_flags {
  /* The engine may call process()/prepare() of one instance from several threads at once. */
  LOOM_FLAG_THREAD_SAFE = 1u << 0,
  /* The engine calls process() with batches in input order, one at a time (dedupers). */
  LOOM_FLAG_ORDER_SENSITIVE = 1u << 1,
  /* ABI 1.1. Cleaners, filters, dedupers: the stage sees its whole input before it emits. The
   * engine calls observe() (when set) with every input batch, in input order, one at a time, and
   * keeps the batches (in memory up to the run's buffer budget, beyond it serialized to a
   * temporary folder). Once the input has ended it calls process() with the same batches, in the
   * same order, one at a time. Implies ORDER_SENSITIVE. Ignored on sources and sinks. */
  LOOM_FLAG_WHOLE_INPUT = 1u << 2
} loom_component_flags;

/* ---------------------------------------------------------------------------------------------
 * Metadata values
 * ------------------------------------------------------------------------------------------- */

typedef enum loom_value_type {
  LOOM_VALUE_NULL = 0,
  LOOM_VALUE_BOOL = 1,
  LOOM_VALUE_INT = 2,
  LOOM_VALUE_FLOAT = 3,
  LOOM_VALUE_STRING = 4,
  /* Compact JSON text of an array or object, kept verbatim (passthrough of nested input). */
  LOOM_VALUE_JSON = 5
} loom_value_type;

typedef struct loom_value {
  uint32_t type; /* loom_value_type */
  uint32_t reserved;
  union {
    int32_t b;
    int64_t i;
    double f;
    loom_str s; /* STRING and JSON */
  } as;
} loom_value;

/* ---------------------------------------------------------------------------------------------
 * Options: declared by the component, parsed and checked by the engine
 * ------------------------------------------------------------------------------------------- */

typedef enum loom_option_type {
  LOOM_OPTION_BOOL = 1,
  LOOM_OPTION_INT = 2,
  LOOM_OPTION_FLOAT = 3,
  LOOM_OPTION_STRING = 4,
  LOOM_OPTION_ENUM = 5,        /* a string from enum_values */
  LOOM_OPTION_STRING_LIST = 6, /* a YAML sequence of strings (a lone string is a list of one) */
  LOOM_OPTION_STRING_MAP = 7,  /* a YAML mapping of string to string, order kept */
  /* ABI 1.2. A YAML sequence of integers / numbers (a lone number is a list of one); has_min and
   * has_max bound every item. */
  LOOM_OPTION_INT_LIST = 8,
  LOOM_OPTION_FLOAT_LIST = 9
} loom_option_type;

/* Option specs and option values travel as arrays whose elements all have the first element's
 * struct_size: step through them with loom_option_spec_at and loom_option_value_at, never with
 * `array[i]`, so that an element larger than this header's struct still reads correctly. A host
 * passes option values to plugins of ABI 1.0 and 1.1 (which index by sizeof) at their layout. */

typedef struct loom_option_spec {
  uint32_t struct_size; /* the same in every element of a component's option array */
  uint32_t type;        /* loom_option_type */
  const char* name;
  const char* doc;
  /* The default as YAML text ("3", "true", "text", "[a, b]", "{}"); NULL when required. The
   * engine parses it exactly like a value written in the graph file. */
  const char* default_value;
  uint32_t required;
  uint32_t has_min;
  uint32_t has_max;
  uint32_t reserved;
  double min; /* inclusive bounds, for INT and FLOAT and each item of INT_LIST and FLOAT_LIST */
  double max;
  const char* const* enum_values; /* for ENUM */
  size_t enum_count;
} loom_option_spec;

/* One checked option value, in the order of the component's option specs. */
typedef struct loom_option_value {
  uint32_t struct_size; /* the same in every element of the array; the stride between elements */
  uint32_t present;     /* 1 if the graph set it, 0 if the default was applied */
  int32_t b;
  int32_t reserved;
  int64_t i;
  double f;
  loom_str s; /* STRING, ENUM */
  /* STRING_LIST: items[0..count); STRING_MAP: items[2k] = key, items[2k+1] = value. */
  const loom_str* items;
  size_t count;
  /* ABI 1.2. INT_LIST: ints[0..count); FLOAT_LIST: floats[0..count). */
  const int64_t* ints;
  const double* floats;
} loom_option_value;

/* The index-th element of a component's option specs or of the option values passed to it. */
static inline const loom_option_spec* loom_option_spec_at(const loom_option_spec* specs,
                                                          size_t index) {
  return (const loom_option_spec*)(const void*)((const char*)specs + index * specs->struct_size);
}
static inline const loom_option_value* loom_option_value_at(const loom_option_value* values,
                                                            size_t index) {
  return (const loom_option_value*)(const void*)((const char*)values + index * values->struct_size);
}

/* ---------------------------------------------------------------------------------------------
 * The host function table. Append-only: new functions go at the end, with a minor bump.
 * ------------------------------------------------------------------------------------------- */

typedef enum loom_log_level {
  LOOM_LOG_DEBUG = 0,
  LOOM_LOG_INFO = 1,
  LOOM_LOG_WARN = 2,
  LOOM_LOG_ERROR = 3
} loom_log_level;

typedef enum loom_codec {
  LOOM_CODEC_AUTO = 0, /* from the file name: .gz, .zst, .bz2, otherwise none */
  LOOM_CODEC_NONE = 1,
  LOOM_CODEC_GZIP = 2,
  LOOM_CODEC_ZSTD = 3,
  LOOM_CODEC_BZIP2 = 4
} loom_codec;

typedef struct loom_host {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved;

  /* -- batches ----------------------------------------------------------------------------- */
  size_t (*batch_size)(const loom_batch* batch);
  loom_doc* (*batch_doc)(loom_batch* batch, size_t index);
  /* Sources: adds an empty document at the end of the batch. */
  loom_doc* (*batch_append)(loom_batch* batch);
  /* The input shard the batch came from (its URI as listed by the source) and its index. */
  loom_str (*batch_shard)(const loom_batch* batch);
  uint64_t (*batch_shard_index)(const loom_batch* batch);
  /* Bytes owned by the batch, valid until the batch is released; for building text in place. */
  char* (*batch_alloc)(loom_batch* batch, size_t size);

  /* -- documents --------------------------------------------------------------------------- */
  loom_str (*doc_text)(const loom_doc* doc);
  /* Copies the bytes, unless they come from batch_alloc of the same batch. */
  void (*doc_set_text)(loom_doc* doc, loom_str text);
  /* Returns 1 and fills *out if the key exists, else 0. Strings stay valid while the doc is
   * unchanged. */
  int (*doc_meta_get)(const loom_doc* doc, loom_str key, loom_value* out);
  /* Sets a key; an existing key keeps its position (like a Python dict). Copies strings. */
  void (*doc_meta_set)(loom_doc* doc, loom_str key, const loom_value* value);
  int (*doc_meta_remove)(loom_doc* doc, loom_str key);
  /* Renames a key in place, keeping its position. Returns 0 if `from` is absent. If `to` exists it
   * is removed first. */
  int (*doc_meta_rename)(loom_doc* doc, loom_str from, loom_str to);
  size_t (*doc_meta_count)(const loom_doc* doc);
  /* Iteration in insertion order: returns 0 when index is past the end. */
  int (*doc_meta_at)(const loom_doc* doc, size_t index, loom_str* key, loom_value* value);
  /* Filters and dedupers: marks the document dropped with a short snake_case reason (copied). */
  void (*doc_drop)(loom_doc* doc, loom_str reason);
  int (*doc_is_dropped)(const loom_doc* doc);
  /* Sources: where the record came from (0-based record index and byte offset in the shard). */
  void (*doc_set_origin)(loom_doc* doc, uint64_t record_index, uint64_t byte_offset);
  void (*doc_origin)(const loom_doc* doc, uint64_t* record_index, uint64_t* byte_offset);

  /* -- lists ------------------------------------------------------------------------------- */
  void (*list_push)(loom_list* list, loom_str item);

  /* -- input ------------------------------------------------------------------------------- */
  /* Expands a local path or glob (sorted, `**` allowed) or an s3:// key pattern (listed), or
   * passes an http(s) URL through, calling push(context, path) for each. A pattern that matches
   * nothing is an error, and so is one that matches a FIFO, socket, device or dangling symlink
   * (input_open refuses those too, without blocking): inputs are regular files. */
  int (*expand_paths)(loom_str pattern, void (*push)(void* context, loom_str path), void* context,
                      loom_error* err);
  /* Opens a local file, http(s) URL or s3:// object, decompressing by codec (AUTO: by name). */
  int (*input_open)(loom_str uri, uint32_t codec, loom_input** out, loom_error* err);
  /* Returns bytes read, 0 at the end, -1 on error (err filled). */
  int64_t (*input_read)(loom_input* in, char* buffer, size_t capacity, loom_error* err);
  /* Compressed bytes consumed so far (for progress and byte offsets of whole-file readers). */
  uint64_t (*input_raw_position)(const loom_input* in);
  void (*input_close)(loom_input* in);

  /* -- output ------------------------------------------------------------------------------ */
  /* Creates the file under a temporary name in the target folder (folders are made). It gets
   * its real name only on commit; abort or a failed run removes it. */
  int (*output_open)(loom_str path, uint32_t codec, int32_t level, loom_output** out,
                     loom_error* err);
  /* Compresses with the output's codec (streaming) and writes. */
  int (*output_write)(loom_output* out, loom_str data, loom_error* err);
  /* Writes bytes already encoded (e.g. a frame from compress_frame), as they are. */
  int (*output_write_raw)(loom_output* out, loom_str data, loom_error* err);
  uint64_t (*output_bytes_written)(const loom_output* out);
  /* Finishes the stream, flushes, renames to the final name; frees the output. */
  int (*output_commit)(loom_output* out, loom_error* err);
  /* Removes the temporary file; frees the output. */
  void (*output_abort)(loom_output* out);
  /* Codec a path implies (by extension). */
  uint32_t (*codec_for_path)(loom_str path);

  /* -- buffers and compression (thread-safe) ----------------------------------------------- */
  loom_buffer* (*buffer_create)(void);
  void (*buffer_destroy)(loom_buffer* buffer);
  void (*buffer_clear)(loom_buffer* buffer);
  void (*buffer_append)(loom_buffer* buffer, loom_str data);
  loom_str (*buffer_view)(const loom_buffer* buffer);
  /* Appends to `out` one self-contained compressed frame of `data` (a zstd frame, a gzip
   * member, a bzip2 stream; NONE copies). Concatenated frames form a valid file. */
  int (*compress_frame)(uint32_t codec, int32_t level, loom_str data, loom_buffer* out,
                        loom_error* err);

  /* -- logging ----------------------------------------------------------------------------- */
  void (*log)(int32_t level, loom_str message);

  /* -- skipped input ----------------------------------------------------------------------- */
  /* Sources: counts `count` input records that were skipped for `reason` (a short snake_case
   * word, e.g. under on_error: skip) while filling this batch. The run's statistics report them
   * as dropped by the source, so nothing disappears without a trace. */
  void (*batch_count_skipped)(loom_batch* batch, loom_str reason, uint64_t count);

  /* -- ABI 1.2 ----------------------------------------------------------------------------- */
  /* Sources that find their input themselves (walking a folder rather than calling
   * expand_paths): declares a local path, folder or glob (expand_paths' syntax) their listing
   * covers. The host refuses any output that such an input pattern matches, so a run never
   * replaces its input nor writes where a rerun would read it back. Call from list_shards. */
  void (*declare_input)(loom_str path_or_pattern);

  /* -- ABI 1.3 ----------------------------------------------------------------------------- */
  /* Reads back bytes already in an output written without a codec, from `offset`: returns the
   * bytes copied to `buffer` (at most `capacity`), 0 at the end, -1 on error (err filled). A
   * sink resuming an interrupted run (see end_shard) reads here what its reopened file holds. */
  int64_t (*output_read)(loom_output* out, uint64_t offset, char* buffer, size_t capacity,
                         loom_error* err);

  /* -- ABI 1.4 ----------------------------------------------------------------------------- */
  /* Reads without a copy: lends the input's next decoded bytes where the host holds them. Sets
   * *data and returns how many bytes it lends (at least one), 0 at the end, -1 on error (err
   * filled). The bytes stay valid until the next input_lend, input_read or input_close on this
   * input, and LOOM_INPUT_LEND_PADDING readable bytes follow them (a parser that reads past the
   * end in wide blocks, such as simdjson, can parse them in place). A plugin copies what it keeps;
   * how many bytes each call lends is the host's choice. */
  int64_t (*input_lend)(loom_input* in, const char** data, loom_error* err);
} loom_host;

/* ---------------------------------------------------------------------------------------------
 * Components
 * ------------------------------------------------------------------------------------------- */

/* ABI 1.3. A name a component declares in its descriptor: a drop reason it may record (with
 * doc_drop, or batch_count_skipped for a source) or a meta field it may write. A name ending in
 * '*' stands for every name starting with what precedes the '*' ("license_*" for reasons built
 * from the data; "*" alone for reasons an option names). */
typedef struct loom_declared_name {
  uint32_t struct_size;
  uint32_t reserved;
  const char* name;
  const char* description; /* one line, or NULL */
} loom_declared_name;

/* Every function returns 0 on success, non-zero with *err filled on failure. Function pointers
 * that do not apply to the component's kind are NULL. */
typedef struct loom_component {
  uint32_t struct_size;
  uint32_t kind;  /* loom_kind */
  uint32_t flags; /* loom_component_flags */
  uint32_t reserved;
  const char* name;    /* globally unique snake_case */
  const char* summary; /* one line */
  /* option_count specs, each options->struct_size bytes apart (see loom_option_spec_at). */
  const loom_option_spec* options;
  size_t option_count;

  /* Cross-field checks on already type-checked values; optional. `values` has one element per
   * option spec, in spec order, values->struct_size bytes apart (see loom_option_value_at). Since
   * ABI 1.2, setting err->record to an option's index points the error at that option in the
   * graph file; -1 (the default) points at the node's options. */
  int (*validate)(const loom_option_value* values, size_t count, loom_error* err);
  int (*create)(const loom_host* host, const loom_option_value* values, size_t count,
                void** out_self, loom_error* err);
  void (*destroy)(void* self);
  /* Called once after the last batch (flush state, close files). Optional. */
  int (*finish)(void* self, loom_error* err);

  /* Cleaners, filters, dedupers: edit documents in place, mark drops. */
  int (*process)(void* self, loom_batch* batch, loom_error* err);

  /* Sources. list_shards pushes the input shard URIs, in order. For each shard the engine calls
   * open_shard, then read until *done is set (each call appends documents to an empty batch,
   * about target_bytes of text), then close_shard. */
  int (*list_shards)(void* self, loom_list* out, loom_error* err);
  int (*open_shard)(void* self, loom_str shard, uint64_t shard_index, void** out_reader,
                    loom_error* err);
  int (*read)(void* self, void* reader, loom_batch* batch, size_t target_bytes, int32_t* done,
              loom_error* err);
  void (*close_shard)(void* self, void* reader);

  /* Sinks. prepare (optional) runs concurrently on any batch and returns a token that the
   * ordered, serial write() then consumes; discard() frees a token write() will never see. */
  int (*prepare)(void* self, loom_batch* batch, void** out_token, loom_error* err);
  int (*write)(void* self, loom_batch* batch, void* token, loom_error* err);
  void (*discard)(void* self, void* token);

  /* ABI 1.1. Components with LOOM_FLAG_WHOLE_INPUT: the first pass over one input batch, before
   * any process() call. Reads only: the documents must not be changed. Optional. */
  int (*observe)(void* self, const loom_batch* batch, loom_error* err);

  /* -- ABI 1.3 ----------------------------------------------------------------------------- */
  /* Dedup across the ranks of a distributed run (docs/guides/scale-out.md). A deduper with both
   * decides over the whole job on more than one rank (without them it is refused there); on one
   * rank they are never called. The engine moves bytes; the plugin keeps its keys and its rules.
   *
   * On more than one rank the stage runs whole-input: observe() (which must be set) sees every
   * input batch of the rank. Then, for round = 0, 1, ... until the plugin sets *last_round:
   * export_keys appends to `out` records of key_bytes of key (well-mixed bytes, e.g. a hash),
   * a uint64_t position, a uint64_t count and payload_bytes of payload (native byte order, no
   * padding). The engine sends each record to its key's owner rank, which merges the records of
   * all ranks per key: count is the sum (saturating), position the smallest (ties: the lower
   * rank), payload that record's. import_keys then gets, for each record the rank exported, in
   * export order, the merged uint64_t position, uint64_t count and payload_bytes of payload
   * (the round's payload_bytes is passed back).
   * Then process() runs as usual. A position is the plugin's global order (e.g. shard index):
   * every rank's shards come after those of lower ranks. The number of rounds and the widths
   * must follow from the options alone: every rank makes the same calls. */
  int (*export_keys)(void* self, uint32_t round, loom_buffer* out, uint32_t* key_bytes,
                     uint32_t* payload_bytes, int32_t* last_round, loom_error* err);
  int (*import_keys)(void* self, uint32_t round, loom_str merged, uint32_t payload_bytes,
                     loom_error* err);
  /* Sinks, optional: the input shard `shard_index` is complete. Called on the write() thread
   * right after the write() of its last batch (on the sink's last input edge), before any batch
   * of a later shard and before finish(), and before the engine takes a resume checkpoint. So a
   * sink that commits a shard's files here never leaves a finished shard open across a
   * checkpoint: a resumed run continues only the shard that was in progress. Not called for
   * batches a resumed run skips (written before the checkpoint), nor when a run is cancelled. */
  int (*end_shard)(void* self, uint64_t shard_index, loom_error* err);
  /* What the component declares it writes, shown by `loom plugins inspect` and `loom schema`:
   * arrays of pointers (each struct with its own struct_size). drop_reasons NULL means "not
   * declared" (nothing is checked); non-NULL with a count of 0 means "never drops". Debug builds
   * of the engine stop a run when a component records a drop reason it did not declare. */
  const loom_declared_name* const* drop_reasons;
  size_t drop_reason_count;
  const loom_declared_name* const* meta_fields; /* NULL: not declared */
  size_t meta_field_count;
} loom_component;

typedef struct loom_plugin {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved;
  const char* name; /* e.g. "io" for libloom_io.so */
  const char* version;
  const char* license;
  const loom_component* const* components;
  size_t component_count;
} loom_plugin;

/* The one symbol a plugin exports. */
#define LOOM_PLUGIN_ENTRY_SYMBOL "loom_plugin_entry"
typedef const loom_plugin* (*loom_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOOM_PLUGIN_H */
