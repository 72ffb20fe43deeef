// What a dump's file name says (<lang>wiki-<date>-pages-articles...), and the page url as the
// HF wikipedia.py script builds it.
#pragma once

#include <string>
#include <string_view>

namespace loom::wikipedia {

struct DumpName {
  std::string language;   // empty when the name does not start with <lang>wiki-
  std::string dump_date;  // YYYYMMDD or "latest"; empty when the name has neither
};

// "enwiki-20230320-pages-articles-multistream.xml.bz2" -> {en, 20230320};
// "bgwiki-latest-pages-articles.xml.bz2" -> {bg, latest}. Underscores in the wiki's database
// name become hyphens ("zh_min_nanwiki" -> "zh-min-nan"), as in its subdomain.
DumpName parse_dump_name(std::string_view path);

// f"https://{language}.wikipedia.org/wiki/{quote(title)}" with Python's urllib.parse.quote
// defaults: UTF-8 bytes, letters, digits, "_.-~" and "/" kept, every other byte as %XX.
std::string page_url(std::string_view language, std::string_view title);

}  // namespace loom::wikipedia
