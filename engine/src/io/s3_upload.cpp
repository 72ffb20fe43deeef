#include "io/s3_upload.hpp"

#include "io/io_internal.hpp"
#include "io/remote_libraries.hpp"
#include "io/s3_xml.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <vector>

namespace loom::io::s3 {

namespace {

constexpr std::uint64_t kDefaultPartBytes = std::uint64_t{16} << 20;
constexpr std::uint64_t kMaxParts = 10000;

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const internal::CryptoLibrary& crypto = internal::crypto_library("cannot upload to S3");
  crypto.digest(data.data(), data.size(), digest, &size, crypto.md5(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 0xf];
  }
  return out;
}

// S3's ETag of a single PUT or of one part is the MD5 of its bytes; a store that answers with
// something else (a hash of its own) is not contradicted, a different MD5 is.
void check_etag(const std::string& etag, std::string_view data, const std::string& what) {
  std::string bare = etag;
  std::erase(bare, '"');
  const bool is_md5 =
      bare.size() == 32 && bare.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (is_md5 && bare != md5_hex(data))
    throw IoError(what + ": the store's ETag " + etag + " is not the MD5 of the bytes sent (" +
                  md5_hex(data) + "); the upload was corrupted on the way");
}

class FileReader {
 public:
  explicit FileReader(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open '" + path + "': " + internal::errno_text(errno));
  }
  ~FileReader() { ::close(fd_); }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  std::uint64_t size() const {
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    ::lseek(fd_, 0, SEEK_SET);
    return end < 0 ? 0 : static_cast<std::uint64_t>(end);
  }

  // Fills `buffer` up to its size (less only at the end of the file).
  void read(std::string& buffer) {
    std::size_t filled = 0;
    while (filled < buffer.size()) {
      const ssize_t n = ::read(fd_, buffer.data() + filled, buffer.size() - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw IoError("cannot read '" + path_ + "': " + internal::errno_text(errno));
      if (n == 0) break;
      filled += static_cast<std::size_t>(n);
    }
    buffer.resize(filled);
  }

 private:
  std::string path_;
  int fd_ = -1;
};

void abort_upload(const Location& where, const std::string& upload_id) noexcept {
  try {
    perform("DELETE", where, {{"uploadId", upload_id}}, {},
            "cannot abort the upload of '" + s3_url(where.bucket, where.key) + "'");
  } catch (const std::exception&) {
    // The failure being reported matters more; the next run aborts what is left over.
  }
}

void multipart_upload(FileReader& file, std::uint64_t size, const Location& where,
                      const std::string& what) {
  const Response started = perform("POST", where, {{"uploads", ""}}, {}, what);
  if (started.status != 200) throw IoError(describe_failure(started, where, what));
  const std::string upload_id = xml_text(started.body, "UploadId", what);
  if (upload_id.empty()) throw IoError(what + ": the store started an upload without an id");
  try {
    const std::uint64_t part_size = part_bytes(size);
    std::string parts_xml;
    std::string buffer;
    for (std::uint64_t number = 1, offset = 0; offset < size; ++number, offset += part_size) {
      buffer.resize(static_cast<std::size_t>(std::min(part_size, size - offset)));
      file.read(buffer);
      const std::string part_what = what + " (part " + std::to_string(number) + ")";
      const Response part =
          perform("PUT", where, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}},
                  buffer, part_what);
      if (part.status != 200) throw IoError(describe_failure(part, where, part_what));
      check_etag(part.etag, buffer, part_what);
      parts_xml += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" +
                   xml_escape(part.etag) + "</ETag></Part>";
    }
    const std::string body = "<CompleteMultipartUpload>" + parts_xml + "</CompleteMultipartUpload>";
    const Response done = perform("POST", where, {{"uploadId", upload_id}}, body, what);
    // S3 may answer 200 and still report an error in the body.
    if (done.status != 200 || done.body.find("<Error>") != std::string::npos)
      throw IoError(describe_failure(done, where, what));

  } catch (...) {
    abort_upload(where, upload_id);
    throw;
  }
}

}  // namespace

std::uint64_t part_bytes(std::uint64_t file_bytes) {
  std::uint64_t bytes = kDefaultPartBytes;
  if (const char* text = std::getenv("LOOM_S3_PART_BYTES"); text != nullptr && *text != '\0') {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || value == 0)
      throw IoError("LOOM_S3_PART_BYTES must be a positive number of bytes, not '" +
                    std::string(text) + "'");
    bytes = value;
  }
  return std::max(bytes, (file_bytes + kMaxParts - 1) / kMaxParts);
}

int abort_stale_uploads(const Location& where) {
  const std::string what =
      "cannot list unfinished uploads of '" + s3_url(where.bucket, where.key) + "'";
  const Response listed =
      perform("GET", {where.bucket, ""}, {{"uploads", ""}, {"prefix", where.key}}, {}, what);
  if (listed.status == 501 || listed.status == 405) return 0;  // the store has no such listing
  if (listed.status != 200) throw IoError(describe_failure(listed, where, what));
  const auto keys = xml_texts(listed.body, "Key", what);
  const auto ids = xml_texts(listed.body, "UploadId", what);
  int aborted = 0;
  for (std::size_t i = 0; i < std::min(keys.size(), ids.size()); ++i) {
    if (keys[i] != where.key) continue;  // another output's upload under the same prefix
    const Response answer = perform("DELETE", where, {{"uploadId", ids[i]}}, {}, what);
    if (answer.status != 204 && answer.status != 200 && answer.status != 404)
      throw IoError(describe_failure(answer, where, "cannot abort a stale upload"));
    ++aborted;
  }
  return aborted;
}

void upload_file(const std::string& local_path, const Location& where) {
  const std::string what = "cannot write '" + s3_url(where.bucket, where.key) + "'";
  FileReader file(local_path);
  const std::uint64_t size = file.size();
  if (size > part_bytes(size)) {
    multipart_upload(file, size, where, what);
    return;
  }
  std::string buffer(static_cast<std::size_t>(size), '\0');
  file.read(buffer);
  const Response put = perform("PUT", where, {}, buffer, what);
  if (put.status != 200) throw IoError(describe_failure(put, where, what));
  check_etag(put.etag, buffer, what);
}

}  // namespace loom::io::s3
