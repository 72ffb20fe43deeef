// s3:// outputs: written to a local spool file with the local output's machinery (streamed
// compression, resume checkpoints), then uploaded on commit (s3_upload.cpp), so the object
// appears at its key only once it is complete. The spool path is derived from the URL alone, so a
// resumed run on the same machine continues the spool file its checkpoint recorded; a note beside
// it (<spool>.s3-url) names the URL, for a resumed run that commits it without reopening it.
#include "io/io_internal.hpp"
#include "io/output_checkpoint.hpp"
#include "io/s3_request.hpp"
#include "io/s3_upload.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

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

std::string destination_note(const std::string& spool) { return spool + ".s3-url"; }

class S3Output final : public Output {
 public:
  S3Output(std::string url, std::unique_ptr<Output> spool)
      : url_(std::move(url)), spool_(std::move(spool)) {}

  void write(std::string_view data) override { spool_->write(data); }
  void write_raw(std::string_view data) override { spool_->write_raw(data); }
  std::uint64_t bytes_written() const override { return spool_->bytes_written(); }
  std::size_t read(std::uint64_t offset, char* buffer, std::size_t capacity) override {
    return spool_->read(offset, buffer, capacity);  // the local spool holds every byte so far
  }

  void commit() override {
    spool_->commit();  // the spool file is complete under its final local name
    upload_spooled(spool_->path(), url_);
  }

  void abort() override {
    spool_->abort();
    if (!keeping_temporaries_for_resume()) ::unlink(destination_note(spool_->path()).c_str());
  }

  const std::string& path() const override { return url_; }

 private:
  std::string url_;
  std::unique_ptr<Output> spool_;
};

}  // namespace

// A short hash of the whole URL keeps two keys with one file name apart; the name keeps the
// extension (the codec) and makes the spool readable.
std::string s3_spool_path(const std::string& url) {
  const std::string name = std::filesystem::path(url).filename().string();
  return spool_folder() + "/" + s3::sha256_hex(url).substr(0, 16) + "-" +
         name.substr(name.size() > 120 ? name.size() - 120 : 0);
}

void upload_spooled(const std::string& spool, const std::string& url) {
  const s3::Location where = s3::parse_s3_url(url);
  try {
    s3::abort_stale_uploads(where);
    s3::upload_file(spool, where);
  } catch (...) {
    ::unlink(spool.c_str());
    ::unlink(destination_note(spool).c_str());
    throw;
  }
  ::unlink(spool.c_str());
  ::unlink(destination_note(spool).c_str());
}

bool finish_spooled_output(const std::string& path) {
  std::ifstream note(destination_note(path));
  std::string url;
  if (!std::getline(note, url) || !is_s3(url)) return false;
  upload_spooled(path, url);
  return true;
}

std::unique_ptr<Output> open_s3_output(const std::string& url, loom_codec codec, int level) {
  const s3::Location where = s3::parse_s3_url(url);
  if (where.key.empty() || where.key.back() == '/')
    throw IoError("cannot write '" + url +
                  "': an output needs an object key, not a bucket or folder");
  s3::s3_config();  // a configuration problem is reported now, not after the whole run
  const std::string spool = s3_spool_path(url);
  auto output = std::make_unique<S3Output>(url, Output::open(spool, codec, level));
  // A resumed run that commits this spool file without reopening it finds where it goes here.
  std::ofstream note(destination_note(spool), std::ios::trunc);
  note << url << '\n';
  if (!note.flush())
    throw IoError("cannot write '" + destination_note(spool) + "' (the spool of '" + url + "')");
  return output;
}

}  // namespace loom::io::internal
