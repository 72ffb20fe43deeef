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
  double memory_budget_mb = 1024;
  std::string spill_dir;

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
            "reference converts posts one by one, so this cannot be a later cleaner"),
      field("memory_budget_mb", &StackExchangeSourceOptions::memory_budget_mb,
            "memory for grouping a site's posts by question (per site being read); beyond it, "
            "sorted runs are spilled to spill_dir, so a Posts.xml of any size fits. The output is "
            "the same at any budget")
          .min(0.001),
      field(
          "spill_dir", &StackExchangeSourceOptions::spill_dir,
          "folder for spill files (a private loom-spill-stackexchange-* folder inside it, removed "
          "when the site is done, fails or the run is cancelled, and by the next run if the "
          "process was killed); empty: the system temp folder "
          "($TMPDIR, else /tmp). Needs about the size of the site's Posts.xml, twice over at "
          "worst"));
};

class StackExchangeSource : public Source {
 public:
  static constexpr const char* name = "stackexchange_source";
  static constexpr const char* summary =
      "StackExchange Posts.xml (.7z or plain): one 'Q: ...\\nA: ...' document per question";
  using Options = StackExchangeSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"row_without_id", "a post row without Id"},
      {"no_title_no_answers", "a question without title or answers"},
      {"answer_without_question", "an answer whose question is absent"}};
  static constexpr Declared meta_fields[] = {{"url", "the question's URL"},
                                             {"timestamp", "the timestamp option"},
                                             {"source", "\"stackexchange\""},
                                             {"question_score", "the question's score"},
                                             {"*", "language id fields when enabled"}};

  explicit StackExchangeSource(const Options& options);
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
};

// Site name from a dump's path: <site>.7z, <site>.xml(.gz...), or <site>/Posts.xml.
std::string site_from_path(std::string_view path);

}  // namespace loom::stackexchange
