#include "html_text_cleaner.hpp"

#include "html_text.hpp"

namespace loom::html {

void HtmlText::process(Batch& batch) {
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const std::string text =
        options_.mark_list_items ? clean_post_html(doc.text()) : html_to_text(doc.text());
    doc.set_text(text);
  }
}

}  // namespace loom::html
