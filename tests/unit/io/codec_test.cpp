#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

using namespace loom::io;
using loom::io::testing::io_error_message;

TEST_CASE("codec_for_path recognizes compressed extensions") {
  CHECK(codec_for_path("data/c4-train.00000-of-01024.json.gz") == LOOM_CODEC_GZIP);
  CHECK(codec_for_path("out/shard.jsonl.zst") == LOOM_CODEC_ZSTD);
  CHECK(codec_for_path("out/shard.jsonl.zstd") == LOOM_CODEC_ZSTD);
  CHECK(codec_for_path("wiki/enwiki-pages-articles.xml.bz2") == LOOM_CODEC_BZIP2);
  CHECK(codec_for_path("plain.jsonl") == LOOM_CODEC_NONE);
  CHECK(codec_for_path("archive.gzip") == LOOM_CODEC_NONE);
  CHECK(codec_for_path("gz") == LOOM_CODEC_NONE);
  CHECK(codec_for_path("") == LOOM_CODEC_NONE);
}

TEST_CASE("codec_for_path ignores a URL's query and fragment") {
  CHECK(codec_for_path("https://example.org/a.warc.wet.gz?download=1") == LOOM_CODEC_GZIP);
  CHECK(codec_for_path("http://example.org/a.zst#part") == LOOM_CODEC_ZSTD);
  CHECK(codec_for_path("http://example.org/file?name=a.gz") == LOOM_CODEC_NONE);
}

TEST_CASE("compression levels out of range are refused with the codec and the valid range") {
  std::string out;
  const std::string gzip_message =
      io_error_message([&] { compress_frame(LOOM_CODEC_GZIP, 12, "text", out); });
  CHECK(gzip_message.find("gzip") != std::string::npos);
  CHECK(gzip_message.find("12") != std::string::npos);
  CHECK(gzip_message.find("1 to 9") != std::string::npos);
  const std::string bzip2_message =
      io_error_message([&] { compress_frame(LOOM_CODEC_BZIP2, 10, "text", out); });
  CHECK(bzip2_message.find("bzip2") != std::string::npos);
  CHECK(!io_error_message([&] { compress_frame(LOOM_CODEC_ZSTD, 1000, "text", out); }).empty());
  CHECK(!io_error_message([&] { compress_frame(LOOM_CODEC_AUTO, 0, "text", out); }).empty());
  CHECK(out.empty());
}

TEST_CASE("http settings reject negative values") {
  HttpSettings settings;
  settings.max_retries = -1;
  CHECK(!io_error_message([&] { configure_http(settings); }).empty());
}
