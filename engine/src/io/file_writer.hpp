// A file descriptor written through one large buffer that encoders fill in place.
#pragma once

#include "io/recycled_buffers.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace loom::io::internal {

class FileWriter {
 public:
  // Takes ownership of `fd`; `label` names the file in error messages.
  FileWriter(int fd, std::string label);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Free space at the end of the buffer, flushing first if it is full; never empty.
  char* space();
  std::size_t space_size() const { return buffer_.size() - used_; }
  // Marks `count` bytes written into space() as part of the file.
  void advance(std::size_t count) {
    used_ += count;
    total_ += count;
  }

  void append(std::string_view data);
  void flush();
  // Flushes, fsyncs and closes; errors are reported, never swallowed.
  void sync_and_close();
  // Flushes, starts the writeback of what has not started yet, and hands over the descriptor
  // (to sync and close elsewhere).
  int release();
  // Closes without reporting errors (the file is being discarded).
  void close_quietly();

  std::uint64_t bytes_written() const { return total_; }
  // The file already holds `bytes` (a resumed output): bytes_written() counts from there.
  void start_at(std::uint64_t bytes) {
    total_ = bytes;
    writeback_end_ = bytes;
  }
  // Bytes (from the file's start) handed to the kernel's writeback before any sync: every
  // kWritebackBytes written, so the fsync at commit finds little left to write.
  std::uint64_t writeback_started() const { return writeback_end_; }
  static constexpr std::uint64_t kWritebackBytes = std::uint64_t{2} << 20;
  // Flushes and fdatasyncs, keeping the file open (a resume checkpoint).
  void sync();

 private:
  void write_fully(const char* data, std::size_t size);
  // full_steps: once kWritebackBytes have gathered since the last start; rest: whatever has.
  enum class Writeback { full_steps, rest };
  void start_writeback(Writeback which = Writeback::full_steps);
  [[noreturn]] void fail(const char* action, int error_number) const;

  int fd_;
  std::string label_;
  IoBuffer buffer_;
  std::size_t used_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t writeback_end_ = 0;
};

}  // namespace loom::io::internal
