// Codec names, extensions and compression levels.
#include "io/io_internal.hpp"

#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace loom::io {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

loom_codec codec_for_path(std::string_view path) {
  // A URL's query or fragment is not part of its file name.
  if (internal::is_url(path)) {
    const auto cut = path.find_first_of("?#");
    if (cut != std::string_view::npos) path = path.substr(0, cut);
  }
  if (ends_with(path, ".gz")) return LOOM_CODEC_GZIP;
  if (ends_with(path, ".zst") || ends_with(path, ".zstd")) return LOOM_CODEC_ZSTD;
  if (ends_with(path, ".bz2")) return LOOM_CODEC_BZIP2;
  return LOOM_CODEC_NONE;
}

namespace internal {

bool is_url(std::string_view uri) {
  return uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0;
}

bool is_s3(std::string_view uri) { return uri.rfind("s3://", 0) == 0; }

std::string errno_text(int error_number) {
  char buffer[256];
  // GNU strerror_r may return a static string instead of filling the buffer.
  return strerror_r(error_number, buffer, sizeof buffer);
}

const char* codec_name(loom_codec codec) {
  switch (codec) {
    case LOOM_CODEC_AUTO: return "auto";
    case LOOM_CODEC_NONE: return "none";
    case LOOM_CODEC_GZIP: return "gzip";
    case LOOM_CODEC_ZSTD: return "zstd";
    case LOOM_CODEC_BZIP2: return "bzip2";
  }
  return "unknown";
}

int resolve_level(loom_codec codec, int level) {
  int default_level = 0, min_level = 0, max_level = 0;
  switch (codec) {
    case LOOM_CODEC_ZSTD:
      default_level = 3;
      min_level = ZSTD_minCLevel();
      max_level = ZSTD_maxCLevel();
      break;
    case LOOM_CODEC_GZIP:
      // igzip's best level (see igzip_deflate.hpp); 4 to 9 trade zlib's speed for ratio.
      default_level = 3;
      min_level = 1;
      max_level = 9;
      break;
    case LOOM_CODEC_BZIP2:
      default_level = 9;
      min_level = 1;
      max_level = 9;
      break;
    default: return 0;
  }
  if (level == 0) return default_level;
  if (level < min_level || level > max_level) {
    throw IoError("invalid " + std::string(codec_name(codec)) + " compression level " +
                  std::to_string(level) + " (expected " + std::to_string(min_level) + " to " +
                  std::to_string(max_level) + ", or 0 for the default " +
                  std::to_string(default_level) + ")");
  }
  return level;
}

}  // namespace internal
}  // namespace loom::io
