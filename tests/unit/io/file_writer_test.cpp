// A FileWriter hands what it wrote to the kernel's writeback every kWritebackBytes, so the fsync
// at commit has little left; the file still holds every byte, in order.
#include "io/file_writer.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>

using namespace loom::io;
using namespace loom::io::testing;
using internal::FileWriter;

namespace {

int open_for_writing(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  return fd;
}

}  // namespace

TEST_CASE(
    "file writer: writeback starts every kWritebackBytes written, buffered bytes not counted") {
  ScratchDir scratch;
  const std::string path = scratch.file("out.txt");
  const std::string text = sample_text(5 * FileWriter::kWritebackBytes / 2 + 5, 11);
  FileWriter writer(open_for_writing(path), path);
  std::size_t offset = 0;
  for (; offset < text.size() && writer.writeback_started() == 0; offset += 65536) {
    writer.append(std::string_view(text).substr(offset, 65536));
  }
  // The buffer flushes whole MBs as it fills: the append that completed the first
  // kWritebackBytes started their writeback, no earlier and no later.
  CHECK(writer.writeback_started() == FileWriter::kWritebackBytes);
  CHECK(offset == FileWriter::kWritebackBytes);
  for (; offset < text.size(); offset += 65536) {
    writer.append(std::string_view(text).substr(offset, 65536));
  }
  CHECK(writer.writeback_started() == 2 * FileWriter::kWritebackBytes);
  writer.sync_and_close();
  CHECK(read_file(path) == text);
}

TEST_CASE("file writer: a block larger than the buffer and a resumed file start writeback too") {
  ScratchDir scratch;
  const std::string path = scratch.file("resumed.txt");
  const std::string head = sample_text(3'000'000, 12);
  write_file(path, head);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  REQUIRE(fd >= 0);
  FileWriter writer(fd, path);
  writer.start_at(head.size());
  CHECK(writer.writeback_started() == head.size());
  const std::string block = sample_text(FileWriter::kWritebackBytes + 7, 13);
  writer.append(block);
  CHECK(writer.writeback_started() == head.size() + block.size());
  writer.sync_and_close();
  CHECK(read_file(path) == head + block);
}

TEST_CASE("file writer: handing the descriptor over starts the writeback of the rest") {
  ScratchDir scratch;
  const std::string path = scratch.file("handed.txt");
  const std::string text = sample_text(3 * FileWriter::kWritebackBytes / 2, 14);
  FileWriter writer(open_for_writing(path), path);
  for (std::size_t offset = 0; offset < text.size(); offset += 65536)
    writer.append(std::string_view(text).substr(offset, 65536));
  CHECK(writer.writeback_started() == FileWriter::kWritebackBytes);  // the tail was not started
  const int fd = writer.release();
  CHECK(writer.writeback_started() == text.size());
  REQUIRE(::fsync(fd) == 0);
  REQUIRE(::close(fd) == 0);
  CHECK(read_file(path) == text);
}
