#include "wet_reading.hpp"

namespace wet_test {

using loom::testing::detail::HarnessBatch;

const loom_component& wet_source() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_commoncrawl.so");
  return plugin.component("wet_source");
}

WetRead read_wet(const loom::testing::OptionMap& options) {
  const loom_component& component = wet_source();
  loom::testing::BoundOptions bound(component, options);
  loom_error err = loom::testing::fresh_error();
  loom::testing::check(component.validate(bound.data(), bound.size(), &err), err);
  void* self = nullptr;
  loom::testing::check(
      component.create(&loom::testing::host_table(), bound.data(), bound.size(), &self, &err), err);
  struct Destroy {
    const loom_component& c;
    void* self;
    ~Destroy() { c.destroy(self); }
  } destroy{component, self};

  WetRead out;
  loom::testing::check(component.list_shards(self, reinterpret_cast<loom_list*>(&out.shards), &err),
                       err);
  for (std::uint64_t index = 0; index < out.shards.size(); ++index) {
    void* reader = nullptr;
    const std::string& shard = out.shards[index];
    loom::testing::check(
        component.open_shard(self, {shard.data(), shard.size()}, index, &reader, &err), err);
    struct Close {
      const loom_component& c;
      void* self;
      void* reader;
      ~Close() { c.close_shard(self, reader); }
    } close{component, self, reader};
    for (std::int32_t done = 0; done == 0;) {
      HarnessBatch batch;
      batch.shard = shard;
      batch.shard_index = index;
      err = loom::testing::fresh_error();
      loom::testing::check(component.read(self, reader, reinterpret_cast<loom_batch*>(&batch),
                                          std::size_t{1} << 16, &done, &err),
                           err);
      for (auto& doc : batch.docs) {
        doc.shard = shard;
        out.docs.push_back(std::move(doc));
      }
      for (const auto& [reason, count] : batch.skipped) out.skipped[reason] += count;
    }
  }
  return out;
}

std::string conversion_record(const std::string& url, const std::string& block, bool language) {
  std::string out = "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: " + url +
                    "\r\nWARC-Date: 2023-01-26T22:21:08Z\r\n"
                    "WARC-Record-ID: <urn:uuid:ccafeba8-a08b-47d0-86be-cf0855f4f6d0>\r\n"
                    "WARC-Refers-To: <urn:uuid:935a6ef4-8708-41f5-a152-412cdf1b48c1>\r\n"
                    "WARC-Block-Digest: sha1:2WURD74BLDCLPV6INBQEQ6OOJRQDPJBA\r\n";
  if (language) out += "WARC-Identified-Content-Language: eng\r\n";
  out += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(block.size()) +
         "\r\n\r\n" + block + "\r\n\r\n";
  return out;
}

std::string warcinfo_record() {
  const std::string block =
      "isPartOf: CC-MAIN-2023-06\r\noperator: Common Crawl Admin (info@commoncrawl.org)\r\n";
  return "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Date: 2023-02-10T03:43:09Z\r\n"
         "WARC-Filename: CC-MAIN-20230126210844-20230127000844-00000.warc.wet.gz\r\n"
         "WARC-Record-ID: <urn:uuid:5a1b7d9e-4c3f-4e52-a6a6-5c7f0f3d4e21>\r\n"
         "Content-Type: application/warc-fields\r\nContent-Length: " +
         std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

}  // namespace wet_test
