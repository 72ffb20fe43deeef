// Test helpers: runs wet_source through the SDK test harness and keeps what Instance::read_all
// does not (the per-reason skip counts), plus builders for WET records.
#pragma once

#include <loom/testing/harness.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wet_test {

const loom_component& wet_source();

struct WetRead {
  std::vector<loom::testing::Document> docs;
  std::map<std::string, std::uint64_t> skipped;  // by reason, over every shard
  std::vector<std::string> shards;
};

// Creates wet_source with `options`, reads every shard, and closes it.
WetRead read_wet(const loom::testing::OptionMap& options);

// A WARC/1.0 conversion record as Common Crawl writes it ("\r\n" header lines, Content-Length
// of the block, "\r\n\r\n" after it). `language` adds WARC-Identified-Content-Language (the
// post-2020 layout, Content-Length at headers[9]).
std::string conversion_record(const std::string& url, const std::string& block,
                              bool language = false);
std::string warcinfo_record();

}  // namespace wet_test
