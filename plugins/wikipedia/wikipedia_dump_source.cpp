#include "wikipedia_dump_source.hpp"

#include "dump_naming.hpp"
#include "dump_reader.hpp"

#include <utility>

namespace loom::wikipedia {
namespace {

ByteSource open_bytes(const std::string& path) {
  // The host decompresses by extension (.bz2 with all its streams, .gz, .zst).
  auto input = std::make_shared<Input>(Input::open(path));
  return [input](char* buffer, std::size_t capacity) { return input->read(buffer, capacity); };
}

// Reads one dump page by page: wikipedia.py's _extract_content, with each dropped page counted.
class DumpShardReader final : public ShardReader {
 public:
  DumpShardReader(const WikipediaDumpSourceOptions& options, std::string path)
      : path_(std::move(path)) {
    const DumpName from_name = parse_dump_name(path_);
    language_ = options.language.empty() ? from_name.language : options.language;
    timestamp_ = options.dump_date.empty() ? from_name.dump_date : options.dump_date;
    if (language_.empty())
      throw Error(path_ +
                  ": no wiki language in the file name (expected <lang>wiki-<date>-pages-articles"
                  "...); set the language option");
    if (timestamp_.empty())
      throw Error(path_ +
                  ": no dump date (YYYYMMDD or latest) in the file name (expected "
                  "<lang>wiki-<date>-pages-articles...); set the dump_date option");
    reader_ = std::make_unique<DumpReader>(path_, open_bytes(path_));
  }

  bool read(Batch& batch, std::size_t target_bytes) override {
    std::size_t bytes = 0;
    while (bytes < target_bytes || batch.empty()) {
      std::optional<Page> page = reader_->next();
      if (!page) return true;
      bytes += emit(batch, *page);
    }
    return false;
  }

 private:
  [[noreturn]] void fail(const Page& page, const std::string& what) const {
    throw Error(path_ + ":" + std::to_string(page.line) + ": page " +
                std::to_string(page.index + 1) + (page.title ? " ('" + *page.title + "')" : "") +
                ": " + what);
  }

  std::size_t emit(Batch& batch, Page& page) {
    if (!page.ns) fail(page, "no <ns> element");
    if (*page.ns != "0") {
      batch.count_skipped("not_namespace_0");
      return 0;
    }
    // wikipedia.py drops a page whose <text> is missing or empty (ElementTree's text is None).
    if (page.redirect) {
      batch.count_skipped("redirect");
      return 0;
    }
    if (!page.text || page.text->empty()) {
      batch.count_skipped("no_text");
      return 0;
    }
    if (!page.title || page.title->empty()) fail(page, "no <title>");
    if (!page.id) fail(page, "no <id>");
    Doc doc = batch.append();
    doc.set_text(*page.text);
    doc.set_meta("title", *page.title);
    doc.set_meta("url", page_url(language_, *page.title));
    doc.set_meta("language", language_);
    doc.set_meta("timestamp", timestamp_);
    doc.set_meta("id", *page.id);
    doc.set_origin(page.index, page.line);
    return page.text->size();
  }

  std::string path_;
  std::string language_;
  std::string timestamp_;
  std::unique_ptr<DumpReader> reader_;
};

}  // namespace

std::vector<std::string> WikipediaDumpSource::shards() {
  std::vector<std::string> all;
  for (const std::string& pattern : options_.paths)
    for (std::string& path : expand_paths(pattern)) all.push_back(std::move(path));
  return all;
}

std::unique_ptr<ShardReader> WikipediaDumpSource::open(std::string_view shard, std::uint64_t) {
  return std::make_unique<DumpShardReader>(options_, std::string(shard));
}

}  // namespace loom::wikipedia
