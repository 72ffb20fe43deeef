// Pieces shared by the io implementation files; never installed.
#pragma once

#include "io/io.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace loom::io::internal {

// Large reads amortize syscalls and decoder calls on the hot path.
inline constexpr std::size_t kIoBufferBytes = std::size_t{1} << 20;

bool is_url(std::string_view uri);
std::string errno_text(int error_number);

// The codec's level after applying the default for 0; throws IoError when out of range.
int resolve_level(loom_codec codec, int level);
const char* codec_name(loom_codec codec);

// What a file that is not a regular file is ("a FIFO (named pipe)", "a socket", ...), from its
// st_mode; empty for a regular file. Inputs must be regular files: reading a FIFO blocks until
// someone writes to it, and a device or socket has no end a reader could trust.
std::string non_regular_kind(unsigned int st_mode);

std::unique_ptr<Input> open_file_input(const std::string& path);
std::unique_ptr<Input> open_http_input(const std::string& url);

// Decoders layered on a raw stream; `name` is the file or URL used in error messages.
std::unique_ptr<Input> make_gzip_decoder(std::unique_ptr<Input> raw, std::string name);
std::unique_ptr<Input> make_zstd_decoder(std::unique_ptr<Input> raw, std::string name);
std::unique_ptr<Input> make_bzip2_decoder(std::unique_ptr<Input> raw, std::string name);
// bzip2 block by block on the calling task arena's threads (make_bzip2_decoder picks it when the
// arena has more than one).
std::unique_ptr<Input> make_bzip2_block_decoder(std::unique_ptr<Input> raw, std::string name);

}  // namespace loom::io::internal
