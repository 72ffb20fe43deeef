// Self-contained compressed frames, made concurrently by sinks and appended by one writer.
#include "io/igzip_deflate.hpp"
#include "io/io_internal.hpp"

#include <bzlib.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstring>
#include <memory>

namespace loom::io {

namespace {

void append_zstd_frame(int level, std::string_view data, std::string& out) {
  // One context per thread: creating one costs more than compressing a small batch.
  struct Context {
    ZSTD_CCtx* context = ZSTD_createCCtx();
    ~Context() { ZSTD_freeCCtx(context); }
  };
  thread_local Context cached;
  if (!cached.context) throw IoError("cannot create a zstd context (out of memory)");
  ZSTD_CCtx_reset(cached.context, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cached.context, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cached.context, ZSTD_c_checksumFlag, 1);
  // Compressed into space kept by the thread: resizing `out` to the bound would zero-fill it
  // and, for a fresh buffer, fault its pages in, for every batch (a tenth of a one-thread run).
  thread_local std::string scratch;
  const std::size_t bound = ZSTD_compressBound(data.size());
  if (scratch.size() < bound) scratch.resize(bound);
  const std::size_t size =
      ZSTD_compress2(cached.context, scratch.data(), bound, data.data(), data.size());
  if (ZSTD_isError(size)) {
    throw IoError(std::string("zstd compression failed: ") + ZSTD_getErrorName(size));
  }
  out.append(scratch.data(), size);
  if (scratch.size() > internal::kMaxKeptScratchBytes) std::string().swap(scratch);
}

void append_igzip_member(int level, std::string_view data, std::string& out) {
  // One deflater per thread and level: its level buffer is up to a few MB.
  thread_local std::unique_ptr<internal::IgzipDeflater> cached;
  if (!cached || cached->level() != level)
    cached = std::make_unique<internal::IgzipDeflater>(level);
  cached->add(data, true, out);
}

void append_zlib_member(int level, std::string_view data, std::string& out) {
  struct Stream {
    z_stream stream{};
    int level = -1;
    ~Stream() {
      if (level >= 0) deflateEnd(&stream);
    }
  };
  thread_local Stream cached;
  if (cached.level != level) {
    if (cached.level >= 0) deflateEnd(&cached.stream);
    cached.level = -1;
    std::memset(&cached.stream, 0, sizeof cached.stream);
    if (deflateInit2(&cached.stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      throw IoError("cannot initialize the gzip encoder (out of memory)");
    }
    cached.level = level;
  } else {
    deflateReset(&cached.stream);
  }
  z_stream& stream = cached.stream;
  const std::size_t start = out.size();
  std::size_t written = 0;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  std::size_t remaining_in = data.size();
  out.resize(
      start +
      deflateBound(&stream, static_cast<uLong>(std::min<std::size_t>(data.size(), ULONG_MAX))) +
      64);
  for (;;) {
    const auto in_chunk = static_cast<uInt>(std::min<std::size_t>(remaining_in, UINT_MAX));
    stream.avail_in = in_chunk;
    if (out.size() - start - written == 0) out.resize(out.size() + out.size() / 2 + 4096);
    const auto out_space =
        static_cast<uInt>(std::min<std::size_t>(out.size() - start - written, UINT_MAX));
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + start + written);
    stream.avail_out = out_space;
    const int status = deflate(&stream, remaining_in == in_chunk ? Z_FINISH : Z_NO_FLUSH);
    written += out_space - stream.avail_out;
    remaining_in -= in_chunk - stream.avail_in;
    if (status == Z_STREAM_END) break;
    if (status != Z_OK && status != Z_BUF_ERROR) {
      out.resize(start);
      throw IoError("gzip compression failed (status " + std::to_string(status) + ")");
    }
  }
  out.resize(start + written);
}

void append_bzip2_stream(int level, std::string_view data, std::string& out) {
  bz_stream stream;
  std::memset(&stream, 0, sizeof stream);
  if (BZ2_bzCompressInit(&stream, level, 0, 0) != BZ_OK) {
    throw IoError("cannot initialize the bzip2 encoder (out of memory)");
  }
  const std::size_t start = out.size();
  std::size_t written = 0;
  std::size_t remaining_in = data.size();
  stream.next_in = const_cast<char*>(data.data());
  // bzip2's documented worst case: 1% larger plus 600 bytes.
  out.resize(start + data.size() + data.size() / 100 + 600);
  int status;
  do {
    const auto in_chunk = static_cast<unsigned>(std::min<std::size_t>(remaining_in, UINT_MAX));
    stream.avail_in = in_chunk;
    if (out.size() - start - written == 0) out.resize(out.size() + out.size() / 2 + 4096);
    const auto out_space =
        static_cast<unsigned>(std::min<std::size_t>(out.size() - start - written, UINT_MAX));
    stream.next_out = out.data() + start + written;
    stream.avail_out = out_space;
    status = BZ2_bzCompress(&stream, remaining_in == in_chunk ? BZ_FINISH : BZ_RUN);
    written += out_space - stream.avail_out;
    remaining_in -= in_chunk - stream.avail_in;
  } while (status == BZ_RUN_OK || status == BZ_FINISH_OK);
  BZ2_bzCompressEnd(&stream);
  if (status != BZ_STREAM_END) {
    out.resize(start);
    throw IoError("bzip2 compression failed (status " + std::to_string(status) + ")");
  }
  out.resize(start + written);
}

}  // namespace

void compress_frame(loom_codec codec, int level, std::string_view data, std::string& out) {
  const int resolved_level = internal::resolve_level(codec, level);
  switch (codec) {
    case LOOM_CODEC_ZSTD: return append_zstd_frame(resolved_level, data, out);
    case LOOM_CODEC_GZIP:
      if (resolved_level <= internal::kHighestIgzipLevel)
        return append_igzip_member(resolved_level, data, out);
      return append_zlib_member(resolved_level, data, out);
    case LOOM_CODEC_BZIP2: return append_bzip2_stream(resolved_level, data, out);
    case LOOM_CODEC_NONE: out.append(data); return;
    case LOOM_CODEC_AUTO: break;
  }
  throw IoError("compress_frame needs an explicit codec, got " +
                std::string(internal::codec_name(codec)));
}

}  // namespace loom::io
