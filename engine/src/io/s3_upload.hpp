// Putting a finished local file at an S3 key so the object appears whole or not at all: one PUT
// for small files, a multipart upload (completed only after every part arrived, aborted on
// failure) for large ones. Upload ids of this key left by an interrupted run are aborted first.
#pragma once

#include "io/s3_request.hpp"

#include <cstdint>
#include <string>

namespace loom::io::s3 {

// Bytes per part (LOOM_S3_PART_BYTES, default 16 MiB; raised so no file needs more than 10,000
// parts). Files no larger than one part go up in a single PUT.
std::uint64_t part_bytes(std::uint64_t file_bytes);

void upload_file(const std::string& local_path, const Location& where);

// Aborts the multipart uploads in progress for exactly this key (left by a killed run that wrote
// it). Returns how many were aborted; a store that cannot list uploads (HTTP 501) gives 0.
int abort_stale_uploads(const Location& where);

}  // namespace loom::io::s3
