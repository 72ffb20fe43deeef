// wikitext_clean: replaces a Wikipedia page's wikitext by its plain text, exactly as the HF
// wikipedia script (v2.0.0, the one RedPajama's Wikipedia slice ran) cleans it with
// mwparserfromhell 0.6.4. See page_cleaner.hpp for the steps.
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::wikitext {

struct WikitextCleanOptions {
  std::string language;
  std::string language_field = "language";
  bool drop_empty = true;

  static constexpr auto fields = std::tuple(
      field("language", &WikitextCleanOptions::language,
            "wiki language code whose File/Image/Media and Category namespace aliases apply (the "
            "HF script's aliases for RedPajama's 20 languages; File, Image, Media and Category "
            "always apply). Empty: read it from each document's meta field `language_field`"),
      field("language_field", &WikitextCleanOptions::language_field,
            "meta field holding the language when `language` is empty (wikipedia_dump_source "
            "sets meta.language)"),
      field("drop_empty", &WikitextCleanOptions::drop_empty,
            "drop pages whose cleaned text is empty (reason empty_text), as the HF script does"));
};

class WikitextClean : public Cleaner {
 public:
  static constexpr const char* name = "wikitext_clean";
  static constexpr const char* summary =
      "wikitext to plain text as the HF wikipedia script (mwparserfromhell 0.6.4) cleaned it";
  using Options = WikitextCleanOptions;
  static constexpr Declared drop_reasons[] = {{"parser_error", "wikitext the parser rejects"},
                                              {"empty_text", "nothing left after cleaning"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit WikitextClean(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::wikitext
