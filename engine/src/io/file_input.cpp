// Local files read with large sequential reads.
#include "io/io_internal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
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

[[noreturn]] void refuse_non_regular(const std::string& path, const std::string& kind) {
  throw IoError("cannot read '" + path + "': it is " + kind +
                ", not a regular file (inputs must be regular files)");
}

}  // namespace

std::string non_regular_kind(unsigned int st_mode) {
  switch (st_mode & S_IFMT) {
    case S_IFREG: return {};
    case S_IFIFO: return "a FIFO (named pipe)";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFDIR: return "a folder";
    default: return "not a regular file";
  }
}

std::unique_ptr<Input> open_file_input(const std::string& path) {
  // Checked before opening, since opening a FIFO blocks until a writer appears and opening a
  // device can act on it; O_NONBLOCK and fstat close the gap between the check and the open.
  struct stat before {};
  if (::stat(path.c_str(), &before) == 0) {
    const std::string kind = non_regular_kind(before.st_mode);
    if (!kind.empty()) refuse_non_regular(path, kind);
  }
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw IoError("cannot open '" + path + "': " + errno_text(errno));
  struct stat opened {};
  if (::fstat(fd, &opened) != 0) {
    const int error = errno;
    ::close(fd);
    throw IoError("cannot stat '" + path + "': " + errno_text(error));
  }
  if (const std::string kind = non_regular_kind(opened.st_mode); !kind.empty()) {
    ::close(fd);
    refuse_non_regular(path, kind);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::make_unique<FileInput>(fd, path);
}

}  // namespace loom::io::internal
