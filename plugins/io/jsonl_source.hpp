// jsonl_source: one JSON object per line, from local files, globs or http(s) URLs, compressed or
// not (the host decompresses). Each expanded path is one shard.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::io {

struct JsonlSourceOptions {
  StringList paths;
  std::string text_field = "text";
  StringMap field_map;  // option `fields`: output meta name -> input field
  std::string on_error = "fail";
  std::int64_t max_line_bytes = std::int64_t{64} << 20;
  std::string missing_fields = "error";

  static constexpr const char* on_error_values[] = {"fail", "skip"};
  static constexpr const char* missing_fields_values[] = {"error", "null", "omit"};
  static constexpr auto fields = std::tuple(
      field("paths", &JsonlSourceOptions::paths,
            "input files: local paths, globs (sorted) or http(s) URLs; each match is one shard")
          .required(),
      field("text_field", &JsonlSourceOptions::text_field,
            "input field holding the document text (a string)"),
      field("fields", &JsonlSourceOptions::field_map,
            "meta fields to keep, as {output_name: input_field}, in this order; empty keeps "
            "every other top-level field under its own name, in input order"),
      field("on_error", &JsonlSourceOptions::on_error,
            "what a malformed or over-long line does: fail the run, or skip it (logged and "
            "counted per shard)")
          .one_of(on_error_values),
      field("max_line_bytes", &JsonlSourceOptions::max_line_bytes,
            "longest accepted line in bytes; longer lines are errors (never buffered whole)")
          .min(1),
      field("missing_fields", &JsonlSourceOptions::missing_fields,
            "what a record without one of the `fields` inputs does: an error (handled like a "
            "malformed line, see on_error), the meta field set to null, or the field left out")
          .one_of(missing_fields_values));
};

class JsonlSource : public Source {
 public:
  static constexpr const char* name = "jsonl_source";
  static constexpr const char* summary = "reads JSON Lines: text plus mapped meta fields";
  using Options = JsonlSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"invalid_record", "a line that is not a valid record (on_error: skip)"}};
  static constexpr Declared meta_fields[] = {{"*", "the record's fields (meta_fields, field_map)"}};

  explicit JsonlSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  struct NextShard {
    std::uint64_t index;
    Input input;
  };
  void open_next(std::uint64_t index);

  Options options_;
  std::vector<std::string> shards_;  // as listed by shards()
  std::optional<NextShard> next_;    // opened ahead of its turn
};

}  // namespace loom::io
