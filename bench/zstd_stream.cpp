#include "zstd_stream.hpp"

#include <memory>
#include <stdexcept>
#include <vector>

namespace loom::bench {
namespace {

void check_zstd(std::size_t rc, const std::string& what) {
  if (ZSTD_isError(rc)) throw std::runtime_error(what + ": " + ZSTD_getErrorName(rc));
}

}  // namespace

ZstdCompressor::ZstdCompressor(int level) : context_(ZSTD_createCCtx()) {
  if (context_ == nullptr) throw std::runtime_error("zstd: out of memory");
  check_zstd(ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, level), "zstd level");
}

ZstdCompressor::~ZstdCompressor() { ZSTD_freeCCtx(context_); }

void ZstdCompressor::drive(std::string_view data, ZSTD_EndDirective mode, std::string& out) {
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  const std::size_t chunk = ZSTD_CStreamOutSize();
  for (;;) {
    const std::size_t old_size = out.size();
    out.resize(old_size + chunk);
    ZSTD_outBuffer output{out.data() + old_size, chunk, 0};
    const std::size_t remaining = ZSTD_compressStream2(context_, &output, &input, mode);
    check_zstd(remaining, "zstd compress");
    out.resize(old_size + output.pos);
    const bool consumed = input.pos == input.size;
    if (mode == ZSTD_e_continue ? consumed : (consumed && remaining == 0)) return;
  }
}

void ZstdCompressor::write(std::string_view data, std::string& out) {
  drive(data, ZSTD_e_continue, out);
}

void ZstdCompressor::finish(std::string& out) { drive({}, ZSTD_e_end, out); }

void decompress_zstd_file(const std::string& path,
                          const std::function<void(std::string_view)>& sink) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) throw std::runtime_error(path + ": cannot open");
  std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(),
                                                                  &ZSTD_freeDCtx);
  std::vector<char> in(ZSTD_DStreamInSize());
  std::vector<char> out(ZSTD_DStreamOutSize());
  std::size_t last_rc = 0;
  for (;;) {
    const std::size_t got = std::fread(in.data(), 1, in.size(), file.get());
    if (got == 0) break;
    ZSTD_inBuffer input{in.data(), got, 0};
    bool output_full = false;
    // A full output buffer may hide more output even when all input is consumed.
    while (input.pos < input.size || output_full) {
      ZSTD_outBuffer output{out.data(), out.size(), 0};
      last_rc = ZSTD_decompressStream(context.get(), &output, &input);
      check_zstd(last_rc, path);
      if (output.pos > 0) sink({out.data(), output.pos});
      output_full = output.pos == output.size;
    }
  }
  if (std::ferror(file.get())) throw std::runtime_error(path + ": read error");
  if (last_rc != 0) throw std::runtime_error(path + ": truncated zstd stream");
}

}  // namespace loom::bench
