// Pieces shared by the io implementation files; never installed.
#pragma once

#include "io/io.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::io::internal {

// Large reads amortize syscalls and decoder calls on the hot path.
inline constexpr std::size_t kIoBufferBytes = std::size_t{1} << 20;
// Per-thread scratch space kept between frames up to this size; a larger one (a huge document)
// is freed after use rather than held by every thread for the rest of the run.
inline constexpr std::size_t kMaxKeptScratchBytes = std::size_t{64} << 20;

bool is_url(std::string_view uri);  // http:// or https://
bool is_s3(std::string_view uri);   // s3://

// Path components, empty ones dropped; and whether a glob's components match a path's, as
// expand_paths matches them (fnmatch with FNM_PERIOD per component, `**` for any depth).
std::vector<std::string> path_components(std::string_view path);
bool glob_matches(const std::vector<std::string>& pattern, std::size_t p,
                  const std::vector<std::string>& path, std::size_t q);
std::string errno_text(int error_number);

// The codec's level after applying the default for 0; throws IoError when out of range.
int resolve_level(loom_codec codec, int level);
const char* codec_name(loom_codec codec);

// What a file that is not a regular file is ("a FIFO (named pipe)", "a socket", ...), from its
// st_mode; empty for a regular file. Inputs must be regular files: reading a FIFO blocks until
// someone writes to it, and a device or socket has no end a reader could trust.
std::string non_regular_kind(unsigned int st_mode);

std::unique_ptr<Input> open_file_input(const std::string& path);
// What a caller adds to an http(s) download (S3 signs each request).
struct HttpRequestHooks {
  std::string display_name;                                // names the input in errors instead
  std::function<std::vector<std::string>()> headers;       // "Name: value" lines, made per attempt
  std::function<std::string(long status)> explain_status;  // appended to an HTTP error status
};
std::unique_ptr<Input> open_http_input(const std::string& url, HttpRequestHooks hooks = {});
std::unique_ptr<Input> open_s3_input(const std::string& url);
// s3://bucket/pattern -> the sorted s3:// URLs of matching keys (ListObjectsV2, every page).
std::vector<std::string> expand_s3_pattern(const std::string& pattern);
std::unique_ptr<Output> open_s3_output(const std::string& url, loom_codec codec, int level);
// Where an s3:// output is written locally before it is uploaded (LOOM_S3_SPOOL).
std::string s3_spool_path(const std::string& url);
// Uploads a complete spool file to `url` and removes it (and its note).
void upload_spooled(const std::string& spool, const std::string& url);
// If `path` is the spool file of an s3:// output (a note names its URL), uploads it; else false.
bool finish_spooled_output(const std::string& path);

// Reads `source` ahead on a thread of its own (up to 8 MiB), for network inputs.
std::unique_ptr<Input> make_prefetch_input(std::unique_ptr<Input> source);
// Decodes `decoder` ahead (up to 4 MiB) on the calling task arena's other threads while its
// reader works on what it read; `decoder` itself when the arena has one thread.
std::unique_ptr<Input> decode_ahead(std::unique_ptr<Input> decoder);

// The retry rules of http(s) downloads, shared by S3 requests.
bool is_retryable_curl_code(int code);
bool is_retryable_http_status(long status);

// Decoders layered on a raw stream; `name` is the file or URL used in error messages.
std::unique_ptr<Input> make_gzip_decoder(std::unique_ptr<Input> raw, std::string name);
std::unique_ptr<Input> make_zstd_decoder(std::unique_ptr<Input> raw, std::string name);
std::unique_ptr<Input> make_bzip2_decoder(std::unique_ptr<Input> raw, std::string name);
// bzip2 block by block on the calling task arena's threads (make_bzip2_decoder picks it when the
// arena has more than one).
std::unique_ptr<Input> make_bzip2_block_decoder(std::unique_ptr<Input> raw, std::string name);

}  // namespace loom::io::internal
