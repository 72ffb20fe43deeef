// Outputs written under a temporary name beside their target and renamed only on commit, so a
// file under its final name is always complete.
#include "io/background_commit.hpp"
#include "io/file_writer.hpp"
#include "io/io_internal.hpp"
#include "io/output_registry.hpp"
#include "io/output_tracking.hpp"
#include "io/stream_encoder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <optional>

namespace loom::io {

namespace {

using internal::errno_text;

std::string temporary_name(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  return path + ".loom-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

std::unique_ptr<internal::StreamEncoder> make_encoder(loom_codec codec, int level) {
  switch (codec) {
    case LOOM_CODEC_GZIP: return internal::make_gzip_encoder(level);
    case LOOM_CODEC_ZSTD: return internal::make_zstd_encoder(level);
    case LOOM_CODEC_BZIP2: return internal::make_bzip2_encoder(level);
    default: return nullptr;
  }
}

void sync_directory(const std::string& final_path, const std::filesystem::path& directory) {
  const int fd =
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw IoError("cannot sync the folder of '" + final_path + "': " + errno_text(errno));
  }
  const int status = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  if (status != 0) {
    throw IoError("cannot sync the folder of '" + final_path + "': " + errno_text(error_number));
  }
}

// The part of a commit after the last write, on the background thread: the same steps as
// FileOutput::commit(), with the file descriptor handed over.
void finish_commit(int fd, const std::string& path, const std::string& temporary,
                   std::uint64_t registration, int owner) {
  const std::string label = "'" + path + "' (temporary file '" + temporary + "')";
  const auto give_up = [&](const std::string& what) {
    if (internal::unregister_temporary_file(registration) && !keeping_temporaries_for_resume())
      ::unlink(temporary.c_str());
    throw IoError(what);
  };
  const bool synced = ::fsync(fd) == 0;
  const int sync_error = errno;
  const bool closed = ::close(fd) == 0;
  const int close_error = errno;
  if (!synced) give_up("cannot sync " + label + ": " + errno_text(sync_error));
  if (!closed) give_up("cannot close " + label + ": " + errno_text(close_error));
  if (!internal::unregister_temporary_file(registration))
    throw IoError("cannot commit '" + path + "': the output was aborted (run cancelled)");
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int rename_error = errno;
    if (!keeping_temporaries_for_resume()) ::unlink(temporary.c_str());
    throw IoError("cannot rename '" + temporary + "' to '" + path +
                  "': " + errno_text(rename_error));
  }
  sync_directory(path, std::filesystem::path(path).parent_path());
  internal::record_committed(owner, path);
  internal::remove_late_stale_temporaries(path);
}

class FileOutput final : public Output, public internal::TrackedOutput {
 public:
  FileOutput(std::string path, std::string temporary_path, int fd, loom_codec codec, int level,
             std::uint64_t start_bytes = 0)
      : path_(std::move(path)),
        temporary_path_(std::move(temporary_path)),
        writer_(fd, "'" + path_ + "' (temporary file '" + temporary_path_ + "')"),
        registration_(internal::register_temporary_file(temporary_path_)) {
    try {
      encoder_ = make_encoder(codec, level);
    } catch (...) {
      discard();
      throw;
    }
    writer_.start_at(start_bytes);
    internal::track_output(this);
  }

  ~FileOutput() override {
    if (state_ == State::open) discard();
  }
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;

  void write(std::string_view data) override {
    require_open("write to");
    if (data.empty()) return;
    if (encoder_) {
      encoder_->write(data, writer_);
      frame_open_ = true;
    } else {
      writer_.append(data);
    }
  }

  void write_raw(std::string_view data) override {
    require_open("write to");
    end_frame();  // raw bytes must not land inside a frame the encoder has not finished
    writer_.append(data);
  }

  std::uint64_t bytes_written() const override { return writer_.bytes_written(); }

  std::size_t read(std::uint64_t offset, char* buffer, std::size_t capacity) override {
    require_open("read back");
    if (encoder_) throw IoError("cannot read back '" + path_ + "': it is written compressed");
    if (offset >= writer_.bytes_written()) return 0;
    writer_.flush();
    const int fd = ::open(temporary_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      throw IoError("cannot read back '" + path_ + "' (temporary file '" + temporary_path_ +
                    "'): " + errno_text(errno));
    ssize_t n;
    do {
      n = ::pread(fd, buffer, capacity, static_cast<off_t>(offset));
    } while (n < 0 && errno == EINTR);
    const int error_number = errno;
    ::close(fd);
    if (n < 0)
      throw IoError("cannot read back '" + path_ + "' (temporary file '" + temporary_path_ +
                    "'): " + errno_text(error_number));
    return static_cast<std::size_t>(n);
  }

  void commit() override {
    require_open("commit");
    try {
      // An empty output still gets one (empty) frame, so it is a valid compressed file.
      if (encoder_ && writer_.bytes_written() == 0) frame_open_ = true;
      end_frame();
      writer_.sync_and_close();
      if (!internal::unregister_temporary_file(registration_)) {
        throw IoError("cannot commit '" + path_ + "': the output was aborted (run cancelled)");
      }
      if (::rename(temporary_path_.c_str(), path_.c_str()) != 0) {
        throw IoError("cannot rename '" + temporary_path_ + "' to '" + path_ +
                      "': " + errno_text(errno));
      }
      state_ = State::committed;
      internal::untrack_output(this, true);
      sync_directory(path_, std::filesystem::path(path_).parent_path());
      internal::remove_late_stale_temporaries(path_);
    } catch (...) {
      if (state_ == State::open) discard();
      throw;
    }
  }

  void commit_in_background() override {
    if (!internal::background_commits_enabled()) return commit();
    require_open("commit");
    int fd = -1;
    try {
      internal::check_background_commits();  // an earlier commit failed: stop here
      if (encoder_ && writer_.bytes_written() == 0) frame_open_ = true;
      end_frame();
      fd = writer_.release();
    } catch (...) {
      discard();
      throw;
    }
    state_ = State::committed;
    const int owner = internal::untrack_output_for_commit(this);
    try {
      internal::commit_in_background(
          owner, [fd, path = path_, temporary = temporary_path_, registration = registration_,
                  owner] { finish_commit(fd, path, temporary, registration, owner); });
    } catch (...) {
      ::close(fd);
      internal::unregister_temporary_file(registration_);
      if (!keeping_temporaries_for_resume()) ::unlink(temporary_path_.c_str());
      throw;
    }
  }

  // A sink may keep an output as the fallback of the files it just committed (megatron_sink's
  // index journal, until the index is committed): that fallback goes only once they are durable
  // under their final names, as with synchronous commits.
  void abort() override {
    if (state_ != State::open) return;
    internal::wait_until_committed();
    discard();
  }

  const std::string& path() const override { return path_; }

  // Resume checkpoints (output_checkpoint.hpp): runs on the thread that writes this output.
  std::optional<std::uint64_t> sync_for_checkpoint() override {
    if (frame_open_ || state_ != State::open) return std::nullopt;
    writer_.sync();
    return writer_.bytes_written();
  }
  const std::string& final_path() const override { return path_; }
  const std::string& temporary_path() const override { return temporary_path_; }

 private:
  enum class State { open, committed, aborted };

  void require_open(const char* action) const {
    if (state_ == State::committed) {
      throw IoError("cannot " + std::string(action) + " '" + path_ + "': already committed");
    }
    if (state_ == State::aborted) {
      throw IoError("cannot " + std::string(action) + " '" + path_ + "': already aborted");
    }
  }

  void end_frame() {
    if (!frame_open_) return;
    encoder_->finish(writer_);
    frame_open_ = false;
  }

  void discard() noexcept {
    state_ = State::aborted;
    internal::untrack_output(this, false);
    writer_.close_quietly();
    internal::unregister_temporary_file(registration_);
    if (!keeping_temporaries_for_resume()) ::unlink(temporary_path_.c_str());
  }

  std::string path_;
  std::string temporary_path_;
  internal::FileWriter writer_;
  std::uint64_t registration_;
  std::unique_ptr<internal::StreamEncoder> encoder_;
  bool frame_open_ = false;
  State state_ = State::open;
};

// Continues the temporary file of an output a resumed run had open at its last checkpoint: its
// bytes past that point (written after the checkpoint) are cut off.
int reopen_adopted(const std::string& path, const internal::Adopted& adopted) {
  const std::string& temporary = adopted.temporary;
  if (::access(temporary.c_str(), F_OK) != 0 && ::access(path.c_str(), F_OK) == 0 &&
      ::rename(path.c_str(), temporary.c_str()) != 0) {
    // Committed after the checkpoint by the interrupted run: take it back and continue it.
    throw IoError("cannot resume '" + path + "': cannot rename it back to '" + temporary +
                  "': " + errno_text(errno));
  }
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    throw IoError("cannot resume '" + path + "': cannot open its temporary file '" + temporary +
                  "' recorded at the last checkpoint: " + errno_text(errno));
  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0 || static_cast<std::uint64_t>(size) < adopted.bytes ||
      ::ftruncate(fd, static_cast<off_t>(adopted.bytes)) != 0 ||
      ::lseek(fd, 0, SEEK_END) != static_cast<off_t>(adopted.bytes)) {
    ::close(fd);
    throw IoError("cannot resume '" + path + "': its temporary file '" + temporary +
                  "' is shorter than the " + std::to_string(adopted.bytes) +
                  " bytes recorded at the last checkpoint");
  }
  return fd;
}

}  // namespace

std::unique_ptr<Output> Output::open(const std::string& path, loom_codec codec, int level) {
  if (codec == LOOM_CODEC_AUTO) codec = codec_for_path(path);
  if (internal::is_url(path)) {
    throw IoError("cannot write '" + path +
                  "': outputs must be local paths or s3:// URLs, not http(s) URLs");
  }
  if (internal::is_s3(path)) {
    check_output_path(path);
    return internal::open_s3_output(path, codec, level);
  }
  check_output_path(path);
  const int resolved_level = internal::resolve_level(codec, level);
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      throw IoError("cannot create folder '" + parent.string() + "' for output '" + path +
                    "': " + error.message());
    }
  }
  if (const auto adopted = internal::take_adopted(path)) {
    internal::remove_stale_temporaries(path, adopted->temporary);
    const int fd = reopen_adopted(path, *adopted);
    return std::make_unique<FileOutput>(path, adopted->temporary, fd, codec, resolved_level,
                                        adopted->bytes);
  }
  internal::remove_stale_temporaries(path, "");
  const std::string temporary_path = temporary_name(path);
  int fd;
  do {
    fd = ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    throw IoError("cannot create output '" + path + "' (temporary file '" + temporary_path +
                  "'): " + errno_text(errno));
  }
  return std::make_unique<FileOutput>(path, temporary_path, fd, codec, resolved_level);
}

}  // namespace loom::io
