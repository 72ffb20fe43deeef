// Local files read with large sequential reads.
#include "io/io_internal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace loom::io::internal {

namespace {

// Reads at least this large go straight into the caller's buffer; smaller ones are served from
// one internal buffer so tiny reads do not each cost a syscall.
constexpr std::size_t kDirectReadBytes = 64 * 1024;

class FileInput final : public Input {
 public:
  FileInput(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileInput() override { ::close(fd_); }
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    if (capacity == 0) return 0;
    if (buffered_begin_ == buffered_end_) {
      if (capacity >= kDirectReadBytes) return read_file(buffer, capacity);
      if (buffer_.empty()) buffer_.resize(kIoBufferBytes);
      buffered_begin_ = 0;
      buffered_end_ = read_file(buffer_.data(), buffer_.size());
      if (buffered_end_ == 0) return 0;
    }
    const std::size_t count = std::min(capacity, buffered_end_ - buffered_begin_);
    std::memcpy(buffer, buffer_.data() + buffered_begin_, count);
    buffered_begin_ += count;
    return count;
  }

  std::uint64_t raw_position() const override {
    return file_position_ - (buffered_end_ - buffered_begin_);
  }

 private:
  std::size_t read_file(char* buffer, std::size_t capacity) {
    for (;;) {
      const ssize_t count = ::read(fd_, buffer, capacity);
      if (count >= 0) {
        file_position_ += static_cast<std::uint64_t>(count);
        return static_cast<std::size_t>(count);
      }
      if (errno == EINTR) continue;
      throw IoError("cannot read '" + path_ + "' at byte " + std::to_string(file_position_) + ": " +
                    errno_text(errno));
    }
  }

  int fd_;
  std::string path_;
  std::vector<char> buffer_;
  std::size_t buffered_begin_ = 0;
  std::size_t buffered_end_ = 0;
  std::uint64_t file_position_ = 0;
};

}  // namespace

std::unique_ptr<Input> open_file_input(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw IoError("cannot open '" + path + "': " + errno_text(errno));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<FileInput>(fd, path);
}

}  // namespace loom::io::internal
