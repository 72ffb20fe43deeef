// jsonl_sink: writes documents as JSON Lines, {"text": ..., "meta": {...}} (or meta first), to
// files named by a path template. Records are serialized and compressed in prepare() (concurrently,
// per batch); write() only appends the ready frames in input order.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "json_writer.hpp"
#include "path_template.hpp"

namespace loom::io {

struct JsonlSinkOptions {
  std::string path;
  std::int64_t max_file_bytes = 0;
  std::string compression = "auto";
  std::int64_t level = 0;
  std::string json_style = "python";
  std::string text_field = "text";
  std::string meta_field = "meta";
  bool meta_first = false;
  std::string text_after;

  static constexpr const char* compression_values[] = {"auto", "none", "gzip", "zstd"};
  static constexpr const char* json_style_values[] = {"python", "python_utf8", "compact"};
  static constexpr auto fields = std::tuple(
      field("path", &JsonlSinkOptions::path,
            "output file template: {shard} is the input file name without folders and "
            "extensions, {part} a 5-digit part number, {<field>} a meta field's value")
          .required(),
      field("max_file_bytes", &JsonlSinkOptions::max_file_bytes,
            "start a new {part} once a file reaches this many bytes; 0 means no limit")
          .min(0),
      field("compression", &JsonlSinkOptions::compression,
            "output codec; auto picks it from the file extension (.gz, .zst)")
          .one_of(compression_values),
      field("level", &JsonlSinkOptions::level,
            "compression level; 0 is the codec's default (gzip 3, zstd 3). gzip 1 to 3 use igzip "
            "(ISA-L, fast), 4 to 9 zlib (smaller, about 15x slower)"),
      field("json_style", &JsonlSinkOptions::json_style,
            "python writes exactly what Python's json.dumps writes (ASCII escapes, ', ' and "
            "': ' separators); python_utf8 what json.dumps(ensure_ascii=False) writes (cc_net's "
            "files); compact writes no spaces and keeps UTF-8")
          .one_of(json_style_values),
      field("text_field", &JsonlSinkOptions::text_field, "output field name for the text"),
      field("meta_field", &JsonlSinkOptions::meta_field,
            "output field holding the meta object; empty puts meta fields at the top level"),
      field("meta_first", &JsonlSinkOptions::meta_first,
            "write the meta object (or the top-level meta fields) before the text, as writers "
            "that build {\"meta\": ..., \"text\": ...} do (RedPajama's books)"),
      field("text_after", &JsonlSinkOptions::text_after,
            "with top-level meta fields: write the text right after this meta field (cc_net "
            "writes raw_content after title), or last if a document lacks it; empty: see "
            "meta_first"));

  void validate() const;
};

class JsonlSink : public Sink {
 public:
  static constexpr const char* name = "jsonl_sink";
  static constexpr const char* summary = "writes JSON Lines (python json.dumps style or compact)";
  using Options = JsonlSinkOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit JsonlSink(const Options& options);
  ~JsonlSink() override;
  std::unique_ptr<SinkToken> prepare(Batch& batch) override;
  void write(Batch& batch, std::unique_ptr<SinkToken> token) override;
  void finish() override;

 private:
  struct Target {
    std::uint64_t part = 0;
    std::optional<Output> out;
  };

  void serialize(const Doc& doc, std::string& out) const;
  void append_field(std::string& out, std::string_view key, const Value& value) const;
  void append_text(const Doc& doc, std::string& out) const;
  void append_meta_fields(const Doc& doc, std::string& out, bool leading_separator) const;
  void append_text_among_fields(const Doc& doc, std::string& out) const;
  void append_value(std::string& out, const Value& value) const;
  loom_codec codec_for_key(const std::string& key) const;
  Target& open_target(const std::string& key);
  void commit_all();
  std::string take_spare_records(std::size_t wanted);
  void give_back_records(std::string records);

  Options options_;
  JsonStyle style_;
  PathTemplate template_;
  // With a template of {shard} and literals only, a later shard means earlier files are done.
  bool commit_on_new_shard_;
  std::string text_key_;  // "text":
  std::string meta_key_;  // "meta": {

  // Uncompressed records that write() is done with, for the next prepare() on any thread: their
  // pages are mapped already, where a fresh buffer per batch costs a page fault per 4 KiB.
  std::mutex spare_mutex_;
  std::vector<std::string> spare_records_;
  std::size_t spare_bytes_ = 0;  // their capacities

  // write()-side state: touched only by the serial write() and finish().
  std::unordered_map<std::string, Target> targets_;
  std::vector<std::string> open_order_;
  std::unordered_set<std::string> committed_paths_;
  std::optional<std::uint64_t> last_shard_index_;
};

}  // namespace loom::io
