// The wikipedia slice: pages-articles XML dumps (bz2), as graphs/redpajama/wikipedia.yaml reads.
#include "slice_builders.hpp"

#include "slice_io.hpp"

#include <bzlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

namespace fs = std::filesystem;

namespace loom::bench {
namespace {

std::string bunzip2(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error(path.string() + ": cannot open");
  int status = BZ_OK;
  BZFILE* bz = BZ2_bzReadOpen(&status, file, 0, 0, nullptr, 0);
  std::string data;
  char buffer[1 << 16];
  while (status == BZ_OK) {
    const int got = BZ2_bzRead(&status, bz, buffer, sizeof buffer);
    if (status == BZ_OK || status == BZ_STREAM_END) data.append(buffer, std::max(got, 0));
  }
  BZ2_bzReadClose(&status, bz);
  std::fclose(file);
  if (data.empty()) throw std::runtime_error(path.string() + ": not a bzip2 dump");
  return data;
}

void bzip2_file(const fs::path& path, std::string_view data) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw std::runtime_error(path.string() + ": cannot create");
  int status = BZ_OK;
  BZFILE* bz = BZ2_bzWriteOpen(&status, file, 9, 0, 0);
  while (status == BZ_OK && !data.empty()) {
    const auto piece = static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20));
    BZ2_bzWrite(&status, bz, const_cast<char*>(data.data()), piece);
    data.remove_prefix(static_cast<std::size_t>(piece));
  }
  const int write_status = status;
  BZ2_bzWriteClose(&status, bz, 0, nullptr, nullptr);
  if (std::fclose(file) != 0 || write_status != BZ_OK || status != BZ_OK)
    throw std::runtime_error(path.string() + ": write error");
}

// `page` with the number of its first <id> moved up by `offset` and " (copy <k>)" after its title
// (so urls differ too).
std::string renumber_page(std::string_view page, std::uint64_t offset, std::uint64_t copy) {
  std::string out(page);
  const std::size_t title_end = out.find("</title>");
  if (title_end != std::string::npos) out.insert(title_end, " (copy " + std::to_string(copy) + ")");
  const std::size_t id = out.find("<id>");
  const std::size_t id_end = out.find("</id>", id);
  if (id != std::string::npos && id_end != std::string::npos) {
    const std::uint64_t number = std::stoull(out.substr(id + 4, id_end - id - 4));
    out.replace(id + 4, id_end - id - 4, std::to_string(number + offset));
  }
  return out;
}

}  // namespace

// The golden run's dumps of RedPajama languages (en, de, bg) and the corpus's English excerpt,
// each written as <lang>wiki-20230320-pages-articles<n>.xml.bz2 with its pages repeated: copy k
// of a page has its page id moved up by k * 10^7 and " (copy k)" after its title.
SliceInput build_wikipedia(const SliceTarget& target) {
  std::vector<fs::path> dumps = {
      target.shared / "golden/wikipedia/input/bgwiki-latest-pages-articles-shortened.utf8.xml.bz2",
      target.shared / "golden/wikipedia/input/dewiki-wtf_wikipedia-pages-articles.xml.bz2",
      target.shared / "golden/wikipedia/input/enwiki-wtf_wikipedia-pages-articles.xml.bz2",
      target.shared /
          "corpus/wikipedia/gensim/"
          "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"};
  std::vector<std::string> texts;
  std::uint64_t sample_bytes = 0;
  for (const auto& dump : dumps) {
    texts.push_back(bunzip2(dump));
    sample_bytes += texts.back().size();
  }
  SliceInput counts;
  counts.copies = (target.target_bytes + sample_bytes - 1) / sample_bytes;
  counts.perturbation = "renumbered_pages";
  fs::create_directories(target.root / "wikipedia");
  for (std::size_t d = 0; d < dumps.size(); ++d) {
    const std::string_view text = texts[d];
    const std::size_t first = text.find("<page>"), last = text.rfind("</page>");
    if (first == std::string_view::npos || last == std::string_view::npos)
      throw std::runtime_error(dumps[d].string() + ": no <page>");
    const std::size_t end = text.find('\n', last) + 1;
    std::vector<std::string_view> pages;
    for (std::size_t at = first; at < end;) {
      std::size_t close = text.find("</page>", at);
      close = std::min(text.find('\n', close) + 1, end);
      pages.push_back(text.substr(at, close - at));
      at = text.find("<page>", close);
      if (at == std::string_view::npos || at > end) break;
      at = text.rfind('\n', at) + 1;  // keep the page's indentation
    }
    const std::string name = dumps[d].filename().string();
    std::string out(text.substr(0, text.rfind('\n', first) + 1));
    for (std::uint64_t copy = 0; copy < counts.copies; ++copy)
      for (std::string_view page : pages)
        out += copy == 0 ? std::string(page) : renumber_page(page, copy * 10'000'000, copy);
    out += text.substr(end);
    char file[96];
    std::snprintf(file, sizeof file, "%swiki-20230320-pages-articles%zu.xml.bz2",
                  name.substr(0, name.find("wiki-")).c_str(), d + 1);
    bzip2_file(target.root / "wikipedia" / file, out);
    ++counts.files;
    counts.records += pages.size() * counts.copies;
    counts.input_bytes += out.size();
  }
  return counts;
}

}  // namespace loom::bench
