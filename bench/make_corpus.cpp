// Builds the benchmark corpus: N .jsonl.zst shards of {"text","url","timestamp"} records, at least
// --target-bytes of text in all, cut from the real texts of the shared corpus. The output depends
// only on the corpus and the options (own PRNG, sorted file order, zstd level 3 single-threaded),
// so every machine benchmarks the same bytes. A manifest records what was built; a second run
// with the same options finds it and does nothing.
//
// usage: loom_bench_corpus --corpus DIR --out DIR [--target-bytes N] [--shards N]

#include "corpus_texts.hpp"
#include "json_escape.hpp"
#include "zstd_stream.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using loom::bench::SourceText;

namespace {

constexpr const char* kFormat = "loom-bench-corpus 1";
constexpr int kZstdLevel = 3;

struct Options {
  fs::path corpus;
  fs::path out;
  std::uint64_t target_bytes = 210'000'000;  // of text; the JSONL is larger still
  int shards = 8;
};

// splitmix64: tiny, and the same sequence everywhere (unlike std:: distributions).
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

struct Document {
  const SourceText* source;
  std::string_view text;
  std::size_t part;
};

// Cuts a text at line ends into documents of a random target size (512 B to 12 KB), keeping only
// valid, non-blank UTF-8. Each pass cuts differently, so passes do not repeat documents.
void cut_documents(const SourceText& source, Random& random, std::vector<Document>& out) {
  std::string_view rest = source.text;
  std::size_t part = 0;
  while (!rest.empty()) {
    const std::size_t target = 512 + random.below(12 * 1024 - 512);
    std::size_t end = rest.size();
    if (rest.size() > target) {
      const std::size_t newline = rest.find('\n', target);
      end = newline == std::string_view::npos ? rest.size() : newline + 1;
    }
    const std::string_view text = rest.substr(0, end);
    rest.remove_prefix(end);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    if (text.find('\0') != std::string_view::npos) continue;
    if (!simdjson::validate_utf8(text.data(), text.size())) continue;
    out.push_back({&source, text, part++});
  }
}

struct ShardInfo {
  std::string name;
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
  std::uint64_t docs = 0;
};

std::string shard_name(int index, int count) {
  char name[64];
  std::snprintf(name, sizeof name, "part-%05d-of-%05d.jsonl.zst", index, count);
  return name;
}

std::string header_line(const Options& options) {
  std::ostringstream line;
  line << kFormat << " target_bytes=" << options.target_bytes << " shards=" << options.shards
       << " zstd_level=" << kZstdLevel;
  return line.str();
}

// True when the manifest was written for these options and every shard it lists is there with
// its recorded size.
bool up_to_date(const Options& options) {
  std::ifstream manifest(options.out / "manifest.txt");
  std::string line;
  if (!std::getline(manifest, line) || line != header_line(options)) return false;
  int shards = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind, name;
    std::uint64_t compressed = 0;
    fields >> kind >> name >> compressed;
    if (kind != "shard") continue;
    std::error_code ec;
    if (fs::file_size(options.out / name, ec) != compressed || ec) return false;
    ++shards;
  }
  return shards == options.shards;
}

void append_record(std::string& out, const Document& doc, int pass, std::uint64_t index) {
  out += "{\"text\":";
  loom::bench::append_json_utf8(out, doc.text);
  out += ",\"url\":";
  loom::bench::append_json_utf8(out, "https://bench.loom.invalid/" + doc.source->name +
                                         "?pass=" + std::to_string(pass) +
                                         "&part=" + std::to_string(doc.part));
  char timestamp[32];
  std::snprintf(timestamp, sizeof timestamp, "2019-04-%02uT%02u:%02u:%02uZ",
                static_cast<unsigned>(1 + index % 28), static_cast<unsigned>(index / 28 % 24),
                static_cast<unsigned>(index / 672 % 60), static_cast<unsigned>(index % 60));
  out += ",\"timestamp\":\"";
  out += timestamp;
  out += "\"}\n";
}

class ShardWriter {
 public:
  ShardWriter(const fs::path& path)
      : path_(path), temp_(path.string() + ".tmp"), compressor_(kZstdLevel) {
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) throw std::runtime_error(temp_.string() + ": cannot create");
  }
  ~ShardWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }
  void write(std::string_view jsonl) {
    info_.uncompressed += jsonl.size();
    compressor_.write(jsonl, buffer_);
    flush();
  }
  ShardInfo finish(std::uint64_t docs) {
    compressor_.finish(buffer_);
    flush();
    if (std::fclose(file_) != 0) throw std::runtime_error(temp_.string() + ": write error");
    file_ = nullptr;
    fs::rename(temp_, path_);
    info_.name = path_.filename().string();
    info_.compressed = fs::file_size(path_);
    info_.docs = docs;
    return info_;
  }

 private:
  void flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      throw std::runtime_error(temp_.string() + ": write error");
    buffer_.clear();
  }
  fs::path path_, temp_;
  std::FILE* file_ = nullptr;
  loom::bench::ZstdCompressor compressor_;
  std::string buffer_;
  ShardInfo info_;
};

void build(const Options& options) {
  const auto texts = loom::bench::load_corpus_texts(options.corpus);
  std::uint64_t corpus_bytes = 0;
  for (const auto& t : texts) corpus_bytes += t.text.size();
  std::cout << "corpus: " << texts.size() << " texts, " << corpus_bytes / 1000000 << " MB from "
            << options.corpus.string() << "\n";
  if (corpus_bytes == 0) throw std::runtime_error("no text found under " + options.corpus.string());

  fs::create_directories(options.out);
  fs::remove(options.out / "manifest.txt");
  const std::uint64_t per_shard = options.target_bytes / options.shards + 1;
  std::vector<ShardInfo> shards;
  std::uint64_t text_bytes = 0, docs_total = 0, shard_text = 0, shard_docs = 0;
  auto writer = std::make_unique<ShardWriter>(options.out / shard_name(0, options.shards));
  std::string jsonl;
  for (int pass = 0; text_bytes < options.target_bytes; ++pass) {
    Random random{0x100u + static_cast<std::uint64_t>(pass)};
    std::vector<Document> docs;
    for (const auto& text : texts) cut_documents(text, random, docs);
    for (std::size_t i = docs.size(); i > 1; --i) std::swap(docs[i - 1], docs[random.below(i)]);
    for (const auto& doc : docs) {
      if (text_bytes >= options.target_bytes) break;
      if (shard_text >= per_shard && static_cast<int>(shards.size()) + 1 < options.shards) {
        shards.push_back(writer->finish(shard_docs));
        writer = std::make_unique<ShardWriter>(
            options.out / shard_name(static_cast<int>(shards.size()), options.shards));
        shard_text = shard_docs = 0;
      }
      jsonl.clear();
      append_record(jsonl, doc, pass, docs_total);
      writer->write(jsonl);
      text_bytes += doc.text.size();
      shard_text += doc.text.size();
      ++shard_docs;
      ++docs_total;
    }
  }
  shards.push_back(writer->finish(shard_docs));

  std::uint64_t uncompressed = 0, compressed = 0;
  std::ofstream manifest(options.out / "manifest.txt.tmp");
  manifest << header_line(options) << "\n";
  for (const auto& s : shards) {
    manifest << "shard " << s.name << " " << s.compressed << " " << s.uncompressed << " " << s.docs
             << "\n";
    uncompressed += s.uncompressed;
    compressed += s.compressed;
  }
  manifest << "total jsonl_bytes=" << uncompressed << " text_bytes=" << text_bytes
           << " docs=" << docs_total << " compressed_bytes=" << compressed << "\n";
  manifest.close();
  if (!manifest) throw std::runtime_error("cannot write the manifest in " + options.out.string());
  fs::rename(options.out / "manifest.txt.tmp", options.out / "manifest.txt");
  std::cout << "built " << shards.size() << " shards in " << options.out.string() << ": "
            << docs_total << " docs, " << uncompressed / 1000000 << " MB of JSON lines ("
            << text_bytes / 1000000 << " MB of text), " << compressed / 1000000
            << " MB compressed\n";
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + arg);
    const std::string value = argv[++i];
    if (arg == "--corpus")
      options.corpus = value;
    else if (arg == "--out")
      options.out = value;
    else if (arg == "--target-bytes")
      options.target_bytes = std::stoull(value);
    else if (arg == "--shards")
      options.shards = std::stoi(value);
    else
      throw std::runtime_error("unknown option " + arg);
  }
  if (options.corpus.empty() || options.out.empty())
    throw std::runtime_error(
        "usage: loom_bench_corpus --corpus DIR --out DIR [--target-bytes N] "
        "[--shards N]");
  if (options.shards < 1) throw std::runtime_error("--shards must be at least 1");
  if (!fs::is_directory(options.corpus))
    throw std::runtime_error("corpus folder not found: " + options.corpus.string());
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    if (up_to_date(options)) {
      std::cout << "benchmark corpus up to date: " << (options.out / "manifest.txt").string()
                << "\n";
      return 0;
    }
    build(options);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "loom_bench_corpus: error: " << e.what() << "\n";
    return 1;
  }
}
