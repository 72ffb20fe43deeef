#include "corpus_texts.hpp"

#include <bzlib.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>

namespace loom::bench {
namespace fs = std::filesystem;
namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// gzip, including files of several members.
std::string gunzip(const std::string& data, const fs::path& path) {
  std::string out;
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("zlib init");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  char buffer[1 << 16];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);
    } else if (rc != Z_OK) {
      inflateEnd(&stream);
      throw std::runtime_error(path.string() + ": bad gzip data");
    }
  }
  inflateEnd(&stream);
  return out;
}

std::string bunzip2(std::string& data, const fs::path& path) {
  std::string out;
  bz_stream stream{};
  if (BZ2_bzDecompressInit(&stream, 0, 0) != BZ_OK) throw std::runtime_error("bzip2 init");
  stream.next_in = data.data();
  stream.avail_in = static_cast<unsigned>(data.size());
  char buffer[1 << 16];
  for (;;) {
    stream.next_out = buffer;
    stream.avail_out = sizeof buffer;
    const int rc = BZ2_bzDecompress(&stream);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (rc == BZ_STREAM_END) {
      if (stream.avail_in == 0) break;
      char* rest = stream.next_in;
      const unsigned rest_size = stream.avail_in;
      BZ2_bzDecompressEnd(&stream);
      stream = bz_stream{};
      BZ2_bzDecompressInit(&stream, 0, 0);
      stream.next_in = rest;
      stream.avail_in = rest_size;
    } else if (rc != BZ_OK) {
      BZ2_bzDecompressEnd(&stream);
      throw std::runtime_error(path.string() + ": bad bzip2 data");
    }
  }
  BZ2_bzDecompressEnd(&stream);
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One SourceText per line that is a JSON object with a string "text"; other lines are ignored.
void add_json_lines(const std::string& content, const std::string& name,
                    std::vector<SourceText>& out) {
  simdjson::ondemand::parser parser;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    ++line_number;
    const simdjson::padded_string line(content.data() + start, end - start);
    start = end + 1;
    std::string_view text;
    auto doc = parser.iterate(line);
    if (doc.error() != simdjson::SUCCESS) continue;
    if (doc["text"].get_string().get(text) != simdjson::SUCCESS) continue;
    out.push_back({name + "#" + std::to_string(line_number), std::string(text)});
  }
}

}  // namespace

std::vector<SourceText> load_corpus_texts(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  std::vector<SourceText> texts;
  for (const auto& path : files) {
    const std::string name = fs::relative(path, root).generic_string();
    std::string content = read_file(path);
    std::string plain_name = name;
    if (ends_with(name, ".gz")) {
      content = gunzip(content, path);
      plain_name.resize(name.size() - 3);
    } else if (ends_with(name, ".bz2")) {
      content = bunzip2(content, path);
      plain_name.resize(name.size() - 4);
    }
    if (ends_with(plain_name, ".json") || ends_with(plain_name, ".jsonl")) {
      add_json_lines(content, name, texts);
    } else {
      texts.push_back({name, std::move(content)});
    }
  }
  return texts;
}

}  // namespace loom::bench
