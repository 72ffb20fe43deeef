// Output path templates for jsonl_sink: "{shard}", "{part}" and "{<meta field>}" placeholders.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::io {

// The input shard's file name without folders, compression and .json/.jsonl extensions:
// "https://host/c4/en.00001.json.gz?x=1" -> "en.00001".
std::string shard_stem(std::string_view shard_uri);

class PathTemplate {
 public:
  // Throws loom::Error (LOOM_ERR_CONFIG) on an unbalanced or empty placeholder.
  explicit PathTemplate(std::string_view text);

  bool uses_part() const { return uses_part_; }
  bool uses_shard() const { return uses_shard_; }
  bool uses_meta() const { return !meta_fields_.empty(); }

  // Everything but {part}, which stays as a marker: docs with equal keys go to the same file.
  // Throws loom::Error if the doc lacks a meta field the template names.
  std::string key(std::string_view stem, const Doc& doc) const;
  // The file name for a key and a part number (5 digits, zero-padded).
  static std::string path(std::string_view key, std::uint64_t part);

 private:
  struct Segment {
    enum Kind { literal, shard, part, meta } kind;
    std::string text;  // literal text or meta field name
  };
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<std::string> meta_fields_;
  bool uses_part_ = false;
  bool uses_shard_ = false;
};

}  // namespace loom::io
