// Buffered, error-checked writes to a file descriptor.
#include "io/file_writer.hpp"

#include "io/io_internal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace loom::io::internal {

FileWriter::FileWriter(int fd, std::string label)
    : fd_(fd), label_(std::move(label)), buffer_(kIoBufferBytes) {}

FileWriter::~FileWriter() { close_quietly(); }

char* FileWriter::space() {
  if (used_ == buffer_.size()) flush();
  return buffer_.data() + used_;
}

void FileWriter::append(std::string_view data) {
  if (data.size() >= buffer_.size()) {
    // Large blocks (e.g. compressed frames) go straight to the file: no copy.
    flush();
    write_fully(data.data(), data.size());
    total_ += data.size();
    return;
  }
  while (!data.empty()) {
    const std::size_t count = std::min(data.size(), buffer_.size() - used_);
    std::memcpy(buffer_.data() + used_, data.data(), count);
    advance(count);
    data.remove_prefix(count);
    if (used_ == buffer_.size()) flush();
  }
}

void FileWriter::flush() {
  if (used_ == 0) return;
  write_fully(buffer_.data(), used_);
  used_ = 0;
}

void FileWriter::sync_and_close() {
  flush();
  if (::fsync(fd_) != 0) fail("sync", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close", errno);
}

int FileWriter::release() {
  flush();
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void FileWriter::sync() {
  flush();
  if (::fdatasync(fd_) != 0) fail("sync", errno);
}

void FileWriter::close_quietly() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void FileWriter::write_fully(const char* data, std::size_t size) {
  if (fd_ < 0) throw IoError("cannot write " + label_ + ": the file is already closed");
  while (size > 0) {
    const ssize_t count = ::write(fd_, data, size);
    if (count < 0) {
      if (errno == EINTR) continue;
      fail("write", errno);
    }
    data += count;
    size -= static_cast<std::size_t>(count);
  }
}

void FileWriter::fail(const char* action, int error_number) const {
  throw IoError(std::string("cannot ") + action + " " + label_ + ": " + errno_text(error_number));
}

}  // namespace loom::io::internal
