// The common_crawl slice: WET files as Common Crawl publishes them (a warcinfo record, then one
// conversion record per page, each record its own gzip member), made from the corpus's real
// CCNet documents and the WET parser vectors.
#include "slice_builders.hpp"
#include "slice_io.hpp"

#include <simdjson.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace loom::bench {
namespace {

constexpr int kWetFiles = 8;

struct Page {
  std::string url, title, content;
};

std::vector<Page> corpus_pages(const fs::path& shared) {
  std::vector<Page> pages;
  simdjson::ondemand::parser parser;
  for (const char* name : {"golden/common_crawl/wet_parsed_minlen1.jsonl",
                           "golden/common_crawl/dolma_docs.input.jsonl"}) {
    const std::string text = read_file(shared / name);
    for (std::string_view line : split_lines(text)) {
      if (line.empty()) continue;
      simdjson::padded_string row(line);
      auto doc = parser.iterate(row);
      Page page;
      page.url = std::string(std::string_view(doc["url"]));
      page.title = std::string(std::string_view(doc["title"]));
      page.content = std::string(std::string_view(doc["raw_content"]));
      pages.push_back(std::move(page));
    }
  }
  if (pages.empty()) throw std::runtime_error("no common_crawl pages in the golden files");
  return pages;
}

// One gzip member holding `data` (level 6, as Common Crawl's writers use zlib's default).
std::string gzip_member(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

std::string warc_record(std::string_view type_and_fields, std::string_view block) {
  return "WARC/1.0\r\nWARC-Type: " + std::string(type_and_fields) +
         "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n" + std::string(block) +
         "\r\n\r\n";
}

std::string conversion(const Page& page, std::uint64_t number) {
  char id[96];
  std::snprintf(id, sizeof id, "<urn:uuid:00000000-0000-4000-8000-%012llx>",
                static_cast<unsigned long long>(number));
  const std::string block = page.title + "\n" + page.content + "\n";
  return warc_record("conversion\r\nWARC-Target-URI: " + page.url +
                         "\r\nWARC-Date: 2023-01-26T22:21:08Z\r\nWARC-Record-ID: " + id +
                         "\r\nWARC-Refers-To: " + id + "\r\nWARC-Block-Digest: sha1:BENCHCOPY" +
                         std::to_string(number) +
                         "\r\nWARC-Identified-Content-Language: eng\r\n"
                         "Content-Type: text/plain\r\n",
                     block);
}

}  // namespace

// Copy k > 0 of a page has its letters permuted (one permutation per copy) and its URL made
// unique, so copies are different texts of the same shape (dedup and LID see new pages).
SliceInput build_common_crawl(const SliceTarget& target) {
  const std::vector<Page> pages = corpus_pages(target.shared);
  const fs::path folder = target.root / "common_crawl";
  fs::create_directories(folder);
  Random random{0xCC0E7};
  LetterPermutation permutation = LetterPermutation::identity();
  SliceInput counts;
  const std::uint64_t file_bytes = target.target_bytes / kWetFiles + 1;
  std::ofstream out;
  std::uint64_t in_file = file_bytes;
  auto write = [&](std::string_view record) {
    if (in_file >= file_bytes) {
      if (out.is_open()) out.close();
      char name[64];
      std::snprintf(name, sizeof name, "CC-MAIN-bench-%05llu.warc.wet.gz",
                    static_cast<unsigned long long>(counts.files++));
      out.open(folder / name, std::ios::binary);
      in_file = 0;
      const std::string info = warc_record("warcinfo\r\nContent-Type: application/warc-fields\r\n",
                                           "isPartOf: CC-MAIN-bench\r\n");
      out << gzip_member(info);
      in_file += info.size();
      counts.input_bytes += info.size();
    }
    out << gzip_member(record);
    in_file += record.size();
    counts.input_bytes += record.size();
    ++counts.records;
  };
  while (counts.input_bytes < target.target_bytes) {
    if (counts.copies > 0) permutation = LetterPermutation::shuffled(random);
    for (const Page& page : pages) {
      Page copy = page;
      if (counts.copies > 0) {
        permutation.apply(copy.title);
        permutation.apply(copy.content);
        copy.url += (copy.url.find('?') == std::string::npos ? "?copy=" : "&copy=") +
                    std::to_string(counts.copies);
      }
      write(conversion(copy, counts.records));
    }
    ++counts.copies;
  }
  out.close();
  counts.perturbation = "letter_permutation";
  return counts;
}

}  // namespace loom::bench
