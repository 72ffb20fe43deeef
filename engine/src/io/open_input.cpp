// Chooses the raw stream (file, http(s) URL or s3:// object) and the decoder layered on it.
#include "io/io_internal.hpp"

namespace loom::io {

std::unique_ptr<Input> open_input(const std::string& uri, loom_codec codec) {
  if (codec == LOOM_CODEC_AUTO) codec = codec_for_path(uri);
  std::unique_ptr<Input> raw = internal::is_url(uri)  ? internal::open_http_input(uri)
                               : internal::is_s3(uri) ? internal::open_s3_input(uri)
                                                      : internal::open_file_input(uri);
  switch (codec) {
    case LOOM_CODEC_AUTO:
    case LOOM_CODEC_NONE: return raw;
    case LOOM_CODEC_GZIP:
      return internal::decode_ahead(internal::make_gzip_decoder(std::move(raw), uri));
    case LOOM_CODEC_ZSTD:
      return internal::decode_ahead(internal::make_zstd_decoder(std::move(raw), uri));
    case LOOM_CODEC_BZIP2: return internal::make_bzip2_decoder(std::move(raw), uri);
  }
  throw IoError("cannot open '" + uri + "': unknown codec " + std::to_string(codec));
}

}  // namespace loom::io
