// Buffered, error-checked writes to a file descriptor.
#include "io/file_writer.hpp"

#include "io/io_internal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace loom::io::internal {

FileWriter::FileWriter(int fd, std::string label) : fd_(fd), label_(std::move(label)) {}

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
    start_writeback();
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
  start_writeback();
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
  // The commit that fsyncs this descriptor may wait behind other files' fsyncs (one commit
  // thread): the disk starts on this file's last bytes now, not when its turn comes.
  start_writeback(Writeback::rest);
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

void FileWriter::start_writeback(Writeback which) {
  // Bytes in the kernel's page cache: total_ less what still sits in the buffer. Without this the
  // whole output is written back by the fsync at commit, which the end of a run waits for (tens
  // of ms per 40 MB); started here, the disk works while the run goes on. Only a hint: it
  // submits the writes without waiting for them, and a failed write-back is reported by that
  // fsync, so its result is not checked (pipes and other non-files refuse it).
  const std::uint64_t in_kernel = total_ - used_;
  if (in_kernel == writeback_end_) return;
  if (which == Writeback::full_steps && in_kernel - writeback_end_ < kWritebackBytes) return;
  ::sync_file_range(fd_, static_cast<off_t>(writeback_end_),
                    static_cast<off_t>(in_kernel - writeback_end_), SYNC_FILE_RANGE_WRITE);
  writeback_end_ = in_kernel;
}

void FileWriter::fail(const char* action, int error_number) const {
  throw IoError(std::string("cannot ") + action + " " + label_ + ": " + errno_text(error_number));
}

}  // namespace loom::io::internal
