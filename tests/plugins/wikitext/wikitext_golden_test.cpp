// Golden parity: the dumps the golden run read (../shared), through wikipedia_dump_source, the
// RedPajama languages and wikitext_clean, must give exactly the texts of
// ../shared/golden/wikipedia/wiki-full.jsonl, page for page and byte for byte.
#include <archive.h>
#include <doctest/doctest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <loom/testing/files.hpp>
#include <loom/testing/harness.hpp>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::testing::Document;
using loom::testing::Instance;

namespace {

const loom_component& component(const std::string& plugin_name, const char* name) {
  static std::vector<std::unique_ptr<loom::testing::Plugin>> plugins;
  plugins.push_back(std::make_unique<loom::testing::Plugin>(loom::testing::Plugin::load(
      std::string(LOOM_PLUGIN_DIR) + "/libloom_" + plugin_name + ".so")));
  return plugins.back()->component(name);
}

struct GoldenPage {
  std::string title;
  std::string text;
};

std::vector<GoldenPage> golden_pages(const fs::path& path) {
  std::vector<GoldenPage> pages;
  simdjson::ondemand::parser parser;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    simdjson::padded_string padded(line);
    simdjson::ondemand::document doc = parser.iterate(padded);
    GoldenPage page;
    page.text = std::string(std::string_view(doc["text"].get_string().value()));
    page.title = std::string(std::string_view(doc["meta"]["title"].get_string().value()));
    pages.push_back(std::move(page));
  }
  return pages;
}

// The test harness reads plain files only: decompress a .bz2 dump next to the others, under its
// own name minus ".bz2" (the source takes the language from the name).
fs::path decompressed(const fs::path& dump, const fs::path& folder) {
  const fs::path out_path = folder / dump.stem();
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  REQUIRE(archive_read_open_filename(a, dump.c_str(), 1 << 16) == ARCHIVE_OK);
  archive_entry* entry = nullptr;
  REQUIRE(archive_read_next_header(a, &entry) == ARCHIVE_OK);
  std::ofstream out(out_path, std::ios::binary);
  char buffer[1 << 16];
  for (la_ssize_t n; (n = archive_read_data(a, buffer, sizeof buffer)) > 0;) out.write(buffer, n);
  archive_read_free(a);
  return out_path;
}

}  // namespace

TEST_CASE("wikitext_clean reproduces every golden Wikipedia text byte for byte") {
  const fs::path shared = LOOM_SHARED_DIR;
  const fs::path golden = shared / "golden/wikipedia";
  if (!fs::exists(golden / "wiki-full.jsonl")) {
    MESSAGE("SKIPPED: ../shared/golden/wikipedia not found");
    return;
  }
  if (!fs::exists(fs::path(LOOM_PLUGIN_DIR) / "libloom_wikipedia.so")) {
    MESSAGE("SKIPPED: the wikipedia plugin (wikipedia_dump_source) is not built");
    return;
  }
  // The golden run read these dumps in file name order.
  std::vector<fs::path> dumps = {
      shared /
      "corpus/wikipedia/gensim/"
      "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"};
  for (const auto& entry : fs::directory_iterator(golden / "input")) dumps.push_back(entry.path());
  std::sort(dumps.begin(), dumps.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  const loom::testing::TempDir scratch("wikitext_golden");
  const fs::path& folder = scratch.path();
  std::string paths = "[";
  for (const fs::path& dump : dumps)
    paths += (paths.size() > 1 ? ", \"" : "\"") + decompressed(dump, folder).string() + "\"";
  paths += "]";

  std::vector<Document> pages = Instance(component("wikipedia", "wikipedia_dump_source"),
                                         {{"paths", paths}, {"dump_date", "20230320"}})
                                    .read_all();
  const std::set<std::string> redpajama_languages = {"bg", "ca", "cs", "da", "de", "en", "es",
                                                     "fr", "hr", "hu", "it", "nl", "pl", "pt",
                                                     "ro", "ru", "sl", "sr", "sv", "uk"};
  std::erase_if(pages, [&](const Document& d) {
    const auto* language = d.find("language");
    return language == nullptr || redpajama_languages.count(language->s) == 0;
  });

  Instance cleaner(component("wikitext", "wikitext_clean"), {});
  std::vector<Document> cleaned;
  constexpr std::size_t kBatch = 16;
  for (std::size_t i = 0; i < pages.size(); i += kBatch) {
    std::vector<Document> batch(
        pages.begin() + static_cast<std::ptrdiff_t>(i),
        pages.begin() + static_cast<std::ptrdiff_t>(std::min(i + kBatch, pages.size())));
    for (Document& d : cleaner.process(std::move(batch)))
      if (!d.dropped) cleaned.push_back(std::move(d));
  }

  const std::vector<GoldenPage> want = golden_pages(golden / "wiki-full.jsonl");
  REQUIRE(want.size() == 157);
  CHECK(cleaned.size() == want.size());
  std::size_t identical = 0;
  for (std::size_t i = 0; i < std::min(want.size(), cleaned.size()); ++i) {
    const auto* title = cleaned[i].find("title");
    if (title != nullptr && title->s == want[i].title && cleaned[i].text == want[i].text) {
      ++identical;
      continue;
    }
    const std::string& got = cleaned[i].text;
    std::size_t at = 0;
    while (at < got.size() && at < want[i].text.size() && got[at] == want[i].text[at]) ++at;
    MESSAGE("page " << i << " (" << want[i].title << ") differs at byte " << at << ": golden \""
                    << want[i].text.substr(at, 80) << "\", got \"" << got.substr(at, 80) << "\"");
  }
  MESSAGE("identical texts: " << identical << " of " << want.size());
  CHECK(identical == want.size());
}
