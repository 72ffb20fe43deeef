// The floor the passthrough graph is measured against: what jsonl_source -> jsonl_sink must do at
// least, with the same libraries and settings, in one tight single-threaded loop and nothing else:
// zstd streaming decompress -> split lines -> simdjson parse (text, url, timestamp) -> write
// {"text": ..., "meta": {"url": ..., "timestamp": ...}} the way Python's json.dumps does -> zstd
// level 3 compress (output counted, then dropped). Speed is MB/s of uncompressed input JSON.
//
// usage: loom_bench_floor DIR [--repeat N]   (DIR holds the *.jsonl.zst shards)
// Prints one line per repetition, then `floor_mb_per_s=<best>` for scripts.

#include "json_escape.hpp"
#include "zstd_stream.hpp"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kZstdLevel = 3;
constexpr std::size_t kOutputBatchBytes = 1 << 20;  // like a sink serializing one batch at a time

struct Totals {
  std::uint64_t input_bytes = 0;
  std::uint64_t docs = 0;
  std::uint64_t output_compressed = 0;
};

class Passthrough {
 public:
  explicit Passthrough(Totals& totals) : totals_(totals), compressor_(kZstdLevel) {}

  void run_file(const std::string& path) {
    pending_.clear();
    loom::bench::decompress_zstd_file(path, [&](std::string_view chunk) { consume(chunk, path); });
    if (!pending_.empty()) {  // a last line without '\n'
      pending_.reserve(pending_.size() + simdjson::SIMDJSON_PADDING);
      handle_line(pending_, path);
    }
    flush_output(true);
  }

 private:
  void consume(std::string_view chunk, const std::string& path) {
    totals_.input_bytes += chunk.size();
    pending_.append(chunk);
    pending_.reserve(pending_.size() + simdjson::SIMDJSON_PADDING);
    std::size_t start = 0;
    for (;;) {
      const std::size_t end = pending_.find('\n', start);
      if (end == std::string::npos) break;
      handle_line(std::string_view(pending_).substr(start, end - start), path);
      start = end + 1;
    }
    pending_.erase(0, start);
  }

  void handle_line(std::string_view line, const std::string& path) {
    if (line.empty()) return;
    const std::size_t capacity =
        static_cast<std::size_t>(pending_.data() + pending_.capacity() - line.data());
    auto doc = parser_.iterate(simdjson::padded_string_view(line.data(), line.size(), capacity));
    std::string_view text, url, timestamp;
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key();
      if (key == "text")
        text = field.value().get_string();
      else if (key == "url")
        url = field.value().get_string();
      else if (key == "timestamp")
        timestamp = field.value().get_string();
    }
    if (text.data() == nullptr) throw std::runtime_error(path + ": a line has no text");
    output_ += "{\"text\": ";
    loom::bench::append_json_python(output_, text);
    output_ += ", \"meta\": {\"url\": ";
    loom::bench::append_json_python(output_, url);
    output_ += ", \"timestamp\": ";
    loom::bench::append_json_python(output_, timestamp);
    output_ += "}}\n";
    ++totals_.docs;
    flush_output(false);
  }

  void flush_output(bool end_of_file) {
    if (!end_of_file && output_.size() < kOutputBatchBytes) return;
    compressor_.write(output_, compressed_);
    if (end_of_file) compressor_.finish(compressed_);
    totals_.output_compressed += compressed_.size();
    compressed_.clear();
    output_.clear();
  }

  Totals& totals_;
  simdjson::ondemand::parser parser_;
  loom::bench::ZstdCompressor compressor_;
  std::string pending_, output_, compressed_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw std::runtime_error("usage: loom_bench_floor DIR [--repeat N]");
    const fs::path dir = argv[1];
    int repeat = 3;
    if (argc >= 4 && std::string(argv[2]) == "--repeat") repeat = std::max(1, std::stoi(argv[3]));
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 10 && name.ends_with(".jsonl.zst")) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw std::runtime_error("no *.jsonl.zst in " + dir.string());

    double best = 0;
    for (int r = 0; r < repeat; ++r) {
      Totals totals;
      Passthrough passthrough(totals);
      const auto start = std::chrono::steady_clock::now();
      for (const auto& file : files) passthrough.run_file(file);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double mb_per_s = static_cast<double>(totals.input_bytes) / 1e6 / seconds;
      best = std::max(best, mb_per_s);
      std::printf("floor run %d: %.1f MB in, %llu docs, %.1f MB out (zstd), %.2f s, %.1f MB/s\n",
                  r + 1, static_cast<double>(totals.input_bytes) / 1e6,
                  static_cast<unsigned long long>(totals.docs),
                  static_cast<double>(totals.output_compressed) / 1e6, seconds, mb_per_s);
    }
    std::printf("floor_mb_per_s=%.1f\n", best);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loom_bench_floor: error: %s\n", e.what());
    return 1;
  }
}
