// wikipedia_dump_source: one document per article of a MediaWiki pages-articles XML dump, as
// the HF wikipedia.py script (the one RedPajama's data_prep/wiki loads) extracts them.
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <vector>

namespace loom::wikipedia {

struct WikipediaDumpSourceOptions {
  StringList paths;
  std::string language;
  std::string dump_date;

  static constexpr auto fields = std::tuple(
      field("paths", &WikipediaDumpSourceOptions::paths,
            "pages-articles(-multistream) dumps: .xml, or compressed (.bz2 including multistream, "
            ".gz, .zst); globs allowed")
          .required(),
      field("language", &WikipediaDumpSourceOptions::language,
            "meta.language and the url's subdomain; empty: from the file name "
            "(<lang>wiki-<date>-pages-articles...)"),
      field("dump_date", &WikipediaDumpSourceOptions::dump_date,
            "meta.timestamp (RedPajama writes the dump date, e.g. 20230320); empty: the <date> of "
            "the file name (YYYYMMDD or latest)"));
};

class WikipediaDumpSource : public Source {
 public:
  static constexpr const char* name = "wikipedia_dump_source";
  static constexpr const char* summary =
      "MediaWiki XML dump: the raw wikitext of each namespace-0 page that is not a redirect";
  using Options = WikipediaDumpSourceOptions;
  static constexpr Declared drop_reasons[] = {
      {"not_namespace_0", "a page outside the article namespace"},
      {"redirect", "a redirect page"},
      {"no_text", "a page without text"}};
  static constexpr Declared meta_fields[] = {{"title", ""},
                                             {"url", ""},
                                             {"language", "from the dump's file name"},
                                             {"timestamp", "the dump date"},
                                             {"id", "the page id"}};

  explicit WikipediaDumpSource(const Options& options) : options_(options) {}
  std::vector<std::string> shards() override;
  std::unique_ptr<ShardReader> open(std::string_view shard, std::uint64_t index) override;

 private:
  Options options_;
};

}  // namespace loom::wikipedia
