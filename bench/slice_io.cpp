#include "slice_io.hpp"

#include "json_escape.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace loom::bench {

std::uint64_t Random::next() {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

LetterPermutation LetterPermutation::identity() {
  LetterPermutation permutation;
  for (int byte = 0; byte < 256; ++byte) permutation.map_[byte] = static_cast<unsigned char>(byte);
  return permutation;
}

LetterPermutation LetterPermutation::shuffled(Random& random) {
  LetterPermutation permutation = identity();
  std::array<unsigned char, 26> order{};
  for (int i = 0; i < 26; ++i) order[i] = static_cast<unsigned char>(i);
  for (int i = 25; i > 0; --i) std::swap(order[i], order[random.below(i + 1)]);  // Fisher-Yates
  for (int i = 0; i < 26; ++i) {
    permutation.map_['a' + i] = static_cast<unsigned char>('a' + order[i]);
    permutation.map_['A' + i] = static_cast<unsigned char>('A' + order[i]);
  }
  return permutation;
}

void LetterPermutation::apply(std::string& text) const {
  for (char& c : text) c = static_cast<char>(map_[static_cast<unsigned char>(c)]);
}

std::string read_file(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files as they are
  if (!file) throw std::runtime_error(path.string() + ": cannot open");
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    const int got = gzread(file, buffer, sizeof buffer);
    if (got < 0) {
      gzclose(file);
      throw std::runtime_error(path.string() + ": read or gzip error");
    }
    if (got == 0) break;
    data.append(buffer, static_cast<std::size_t>(got));
  }
  gzclose(file);
  return data;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

GzWriter::GzWriter(const std::filesystem::path& path) : path_(path) {
  file_ = gzopen(path.c_str(), "wb6");
  if (!file_) throw std::runtime_error(path.string() + ": cannot create");
}

GzWriter::~GzWriter() {
  if (file_) gzclose(file_);
}

void GzWriter::write(std::string_view data) {
  while (!data.empty()) {  // gzwrite takes an unsigned int length
    const auto piece = static_cast<unsigned>(std::min<std::size_t>(data.size(), 1u << 30));
    if (gzwrite(file_, data.data(), piece) != static_cast<int>(piece))
      throw std::runtime_error(path_.string() + ": write error");
    data.remove_prefix(piece);
  }
}

void GzWriter::close() {
  const int status = gzclose(file_);
  file_ = nullptr;
  if (status != Z_OK) throw std::runtime_error(path_.string() + ": write error on close");
}

void write_file(const std::filesystem::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) throw std::runtime_error(path.string() + ": write error");
}

std::string rewrite_json_row(std::string_view line, const StringFieldChange& change) {
  static simdjson::dom::parser parser;  // the tool is single-threaded
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get_object().get(object) != simdjson::SUCCESS)
    throw std::runtime_error("not a JSON object: " + std::string(line.substr(0, 80)));
  std::string out = "{";
  bool first = true;
  for (auto [key, value] : object) {
    if (!first) out += ", ";
    first = false;
    append_json_python(out, key);
    out += ": ";
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      const std::optional<std::string> changed = change(key, text);
      append_json_python(out, changed ? std::string_view(*changed) : text);
    } else {
      out += simdjson::minify(value);
    }
  }
  out += "}";
  return out;
}

}  // namespace loom::bench
