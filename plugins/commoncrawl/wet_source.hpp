// wet_source: one document per WARC `conversion` record of Common Crawl WET files, parsed
// exactly as cc_net's process_wet_file (RedPajama's copy) does; see docs/reference/components.
#pragma once

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace loom::commoncrawl {

struct WetSourceOptions {
  StringList paths;
  StringList dumps;
  std::string url_root = "https://data.commoncrawl.org/";
  std::int64_t min_chars = 300;
  std::int64_t max_record_bytes = std::int64_t{64} << 20;
  std::string on_error = "fail";
  std::string invalid_utf8 = "skip";

  static constexpr const char* on_error_values[] = {"fail", "skip"};
  static constexpr const char* invalid_utf8_values[] = {"skip", "fail"};
  static constexpr auto fields = std::tuple(
      field("paths", &WetSourceOptions::paths,
            "WET (or WARC) files, plain or gzip: local paths, globs or http(s) URLs; a wet.paths "
            "or wet.paths.gz listing stands for its segments under url_root, in listing order"),
      field("dumps", &WetSourceOptions::dumps,
            "Common Crawl dump ids (e.g. 2023-06): every segment of "
            "<url_root>/crawl-data/CC-MAIN-<id>/wet.paths.gz, read after `paths`"),
      field("url_root", &WetSourceOptions::url_root,
            "where listed segments live (RedPajama's WET_URL_ROOT); a local folder works too"),
      field("min_chars", &WetSourceOptions::min_chars,
            "documents whose raw_content has fewer code points are skipped (too_short); cc_net "
            "mines with 300, its parser's own default is 1")
          .min(0),
      field("max_record_bytes", &WetSourceOptions::max_record_bytes,
            "a record longer than this (bytes, headers included) is skipped (record_too_large) "
            "without being held in memory")
          .range(1024, 2147483647),
      field("on_error", &WetSourceOptions::on_error,
            "what an unreadable input does (missing, truncated or corrupt gzip, failed "
            "download): fail the run, or skip the rest of that file (logged, counted as "
            "input_error)")
          .one_of(on_error_values),
      field("invalid_utf8", &WetSourceOptions::invalid_utf8,
            "a conversion record that is not valid UTF-8 (cc_net's text-mode read would stop "
            "with UnicodeDecodeError): skip it (logged, counted) or fail the run")
          .one_of(invalid_utf8_values));

  void validate() const;
};

class WetSource : public Source {
 public:
  static constexpr const char* name = "wet_source";
  static constexpr const char* summary =
      "Common Crawl WET files: one document per conversion record, as cc_net parses them";
  using Options = WetSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"input_error", "a record that cannot be read (on_error: skip)"},
      {"empty_record", "a record without headers or body"},
      {"bad_header", "a malformed WARC header"},
      {"not_conversion", "a record that is not a conversion record"},
      {"record_too_large", "over the record size limit"},
      {"bad_url", "a URL without a host"},
      {"invalid_utf8", "a body that is not UTF-8"},
      {"too_short", "under min_chars characters"}};
  static constexpr Declared meta_fields[] = {{"url", "WARC-Target-URI"},
                                             {"date_download", "WARC-Date"},
                                             {"digest", "WARC-Block-Digest"},
                                             {"length", "characters"},
                                             {"nlines", "lines"},
                                             {"source_domain", "the URL's host"},
                                             {"title", "the first line"},
                                             {"cc_segment", "the WET file"}};

  explicit WetSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
};

}  // namespace loom::commoncrawl
