#include "wikitext_clean.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include "page_cleaner.hpp"

namespace loom::wikitext {

void WikitextClean::process(Batch& batch) {
  // One cleaner per language seen in this batch; process() may run on several batches at once,
  // so nothing is shared between calls.
  std::map<std::string, std::unique_ptr<PageCleaner>, std::less<>> cleaners;
  for (std::size_t r = 0; r < batch.size(); ++r) {
    Doc doc = batch[r];
    if (doc.dropped()) continue;
    std::string language = options_.language;
    if (language.empty()) {
      const auto value = doc.meta(options_.language_field);
      if (!value || value->type != LOOM_VALUE_STRING || value->s.empty())
        throw Error("wikitext_clean: document " + std::to_string(r) + " has no meta." +
                        options_.language_field + " string and the `language` option is empty",
                    LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(r));
      language = std::string(value->s);
    }
    auto it = cleaners.find(language);
    if (it == cleaners.end())
      it = cleaners.emplace(language, std::make_unique<PageCleaner>(namespace_aliases(language)))
               .first;
    std::string text;
    try {
      text = it->second->clean(doc.text());
    } catch (const std::runtime_error& e) {
      // The HF script drops pages mwparserfromhell cannot parse (its "parser-error" counter).
      log(LOOM_LOG_WARN, "wikitext_clean: document " + std::to_string(r) + ": " + e.what() +
                             " (dropped: parser_error)");
      doc.drop("parser_error");
      continue;
    }
    if (text.empty() && options_.drop_empty) {
      doc.drop("empty_text");
      continue;
    }
    doc.set_text(text);
  }
}

}  // namespace loom::wikitext
