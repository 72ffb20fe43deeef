// s3:// outputs: written to a local spool file with the local output's machinery (streamed
// compression, resume checkpoints), then uploaded on commit (s3_upload.cpp), so the object
// appears at its key only once it is complete. The spool path is derived from the URL alone, so a
// resumed run on the same machine continues the spool file its checkpoint recorded.
#include "io/io_internal.hpp"
#include "io/s3_request.hpp"
#include "io/s3_upload.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace loom::io::internal {

namespace {

// LOOM_S3_SPOOL, else $TMPDIR/loom-s3-spool-<uid>.
std::string spool_folder() {
  if (const char* folder = std::getenv("LOOM_S3_SPOOL"); folder != nullptr && *folder != '\0')
    return folder;
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/loom-s3-spool-" +
         std::to_string(::getuid());
}

// A short hash of the whole URL keeps two keys with one file name apart; the name keeps the
// extension (the codec) and makes the spool readable.
std::string spool_path(const std::string& url) {
  const std::string name = std::filesystem::path(url).filename().string();
  return spool_folder() + "/" + s3::sha256_hex(url).substr(0, 16) + "-" +
         name.substr(name.size() > 120 ? name.size() - 120 : 0);
}

class S3Output final : public Output {
 public:
  S3Output(std::string url, std::unique_ptr<Output> spool)
      : url_(std::move(url)), where_(s3::parse_s3_url(url_)), spool_(std::move(spool)) {}

  void write(std::string_view data) override { spool_->write(data); }
  void write_raw(std::string_view data) override { spool_->write_raw(data); }
  std::uint64_t bytes_written() const override { return spool_->bytes_written(); }

  void commit() override {
    spool_->commit();  // the spool file is complete under its final local name
    const std::string local = spool_->path();
    try {
      s3::abort_stale_uploads(where_);
      s3::upload_file(local, where_);
    } catch (...) {
      ::unlink(local.c_str());
      throw;
    }
    ::unlink(local.c_str());
  }

  void abort() override { spool_->abort(); }
  const std::string& path() const override { return url_; }

 private:
  std::string url_;
  s3::Location where_;
  std::unique_ptr<Output> spool_;
};

}  // namespace

std::unique_ptr<Output> open_s3_output(const std::string& url, loom_codec codec, int level) {
  const s3::Location where = s3::parse_s3_url(url);
  if (where.key.empty() || where.key.back() == '/')
    throw IoError("cannot write '" + url +
                  "': an output needs an object key, not a bucket or "
                  "folder");
  s3::s3_config();  // a configuration problem is reported now, not after the whole run
  return std::make_unique<S3Output>(url, Output::open(spool_path(url), codec, level));
}

}  // namespace loom::io::internal
