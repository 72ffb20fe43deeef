// content_hash: sets a meta field to the md5 hex digest of the document's raw UTF-8 text, the
// reference's dedup key (hashlib.md5(content.encode("utf8")).hexdigest(), before any cleaning).
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::github {

struct ContentHashOptions {
  std::string field = "content_hash";

  static constexpr auto fields = std::tuple(loom::field(
      "field", &ContentHashOptions::field, "meta field that receives the 32-digit md5 hex"));
};

class ContentHash : public Cleaner {
 public:
  static constexpr const char* name = "content_hash";
  static constexpr const char* summary = "md5 hex of the raw text into a meta field";
  using Options = ContentHashOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"*", "the md5 hex, under the field option"}};

  explicit ContentHash(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::github
