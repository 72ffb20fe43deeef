// stackexchange_source: one document per question of a StackExchange site dump, joined with its
// answers (data_prep/stack_exchange/filter.py + post_processing.py of RedPajama rp_v1).
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <vector>

namespace loom::stackexchange {

inline constexpr const char* answer_order_values[] = {"rp_v1", "numeric"};

struct StackExchangeSourceOptions {
  StringList paths;
  std::string site;
  std::string timestamp = "2023-03-29";
  std::string answer_order = "rp_v1";
  bool html_to_text = true;

  static constexpr auto fields = std::tuple(
      field("paths", &StackExchangeSourceOptions::paths,
            "site dumps: <site>.7z (its Posts.xml member), <site>.xml or <site>/Posts.xml; globs "
            "allowed")
          .required(),
      field("site", &StackExchangeSourceOptions::site,
            "site name for the url; empty: from the file name (<site>.7z, <site>.xml, or the "
            "folder of a Posts.xml)"),
      field("timestamp", &StackExchangeSourceOptions::timestamp,
            "meta.timestamp of every document"),
      field("answer_order", &StackExchangeSourceOptions::answer_order,
            "rp_v1: score strings in descending string order (what the reference ran); numeric: "
            "highest score first")
          .one_of(answer_order_values),
      field("html_to_text", &StackExchangeSourceOptions::html_to_text,
            "convert each post's HTML to text (the reference's cleanhtml) before joining; the "
            "reference converts posts one by one, so this cannot be a later cleaner"));
};

class StackExchangeSource : public Source {
 public:
  static constexpr const char* name = "stackexchange_source";
  static constexpr const char* summary =
      "StackExchange Posts.xml (.7z or plain): one 'Q: ...\\nA: ...' document per question";
  using Options = StackExchangeSourceOptions;

  explicit StackExchangeSource(const Options& options);
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
};

// Site name from a dump's path: <site>.7z, <site>.xml(.gz...), or <site>/Posts.xml.
std::string site_from_path(std::string_view path);

}  // namespace loom::stackexchange
