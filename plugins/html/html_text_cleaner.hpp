// html_text: replaces a document's HTML text by its text (BeautifulSoup get_text semantics).
#pragma once

#include <loom/plugin.hpp>

namespace loom::html {

struct HtmlTextOptions {
  bool mark_list_items = false;

  static constexpr auto fields = std::tuple(field(
      "mark_list_items", &HtmlTextOptions::mark_list_items,
      "first turn <li> and <ol> into \"\\n*\" and drop </li> and </ol> (RedPajama's cleanhtml)"));
};

class HtmlText : public Cleaner {
 public:
  static constexpr const char* name = "html_text";
  static constexpr const char* summary =
      "HTML to text as BeautifulSoup(html, 'lxml').get_text() returns it";
  using Options = HtmlTextOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit HtmlText(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::html
