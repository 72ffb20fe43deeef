// github_metadata: the reference's record shape after cleaning. Computes get_filecontent_stats()
// on the (cleaned) text with Python's str semantics and rebuilds meta in the reference's order:
//   content_hash, timestamp, source, line_count, max_line_length, avg_line_length, alnum_prop,
//   then every other field (the BigQuery columns) in input order.
// Empty text gives 0 (integers) for every statistic, as the reference writes it.
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::github {

struct GithubMetadataOptions {
  std::string hash_field = "content_hash";
  std::string timestamp = "";
  std::string source = "github";

  static constexpr auto fields = std::tuple(
      loom::field("hash_field", &GithubMetadataOptions::hash_field,
                  "meta field with the raw content's hash (set by content_hash); it goes first"),
      loom::field("timestamp", &GithubMetadataOptions::timestamp,
                  "meta.timestamp value (the reference writes an empty string)"),
      loom::field("source", &GithubMetadataOptions::source, "meta.source value"));
};

class GithubMetadata : public Cleaner {
 public:
  static constexpr const char* name = "github_metadata";
  static constexpr const char* summary =
      "line_count, max/avg line length, alnum_prop (Python str semantics) in reference order";
  using Options = GithubMetadataOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"timestamp", "the timestamp option"},
                                             {"source", "the source option"},
                                             {"line_count", "lines"},
                                             {"max_line_length", "longest line"},
                                             {"avg_line_length", "mean line length"},
                                             {"alnum_prop", "share of alphanumeric characters"}};

  explicit GithubMetadata(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::github
