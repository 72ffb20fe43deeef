// The I/O side's recycled buffers (base/recycled_buffers.hpp): one free list of kIoBufferBytes
// buffers for compressed inputs' raw reads and outputs' writes.
#pragma once

#include "base/recycled_buffers.hpp"
#include "io/io_internal.hpp"

namespace loom::io::internal {

// kIoBufferBytes for a compressed input's raw reads or an output's writes: a shard's decoder and
// writer, the one opened ahead, and a few sinks' files at once.
using IoBuffers = RecycledBuffers<kIoBufferBytes, 8>;

// One kIoBufferBytes buffer, taken from IoBuffers and handed back when it goes.
class IoBuffer {
 public:
  IoBuffer() : bytes_(IoBuffers::take()) {}
  ~IoBuffer() { IoBuffers::give_back(std::move(bytes_)); }
  IoBuffer(IoBuffer&&) noexcept = default;
  IoBuffer& operator=(IoBuffer&& other) noexcept {
    IoBuffers::give_back(std::move(bytes_));
    bytes_ = std::move(other.bytes_);
    return *this;
  }
  IoBuffer(const IoBuffer&) = delete;
  IoBuffer& operator=(const IoBuffer&) = delete;

  char* data() { return bytes_.get(); }
  const char* data() const { return bytes_.get(); }
  static constexpr std::size_t size() { return kIoBufferBytes; }

 private:
  std::unique_ptr<char[]> bytes_;
};

}  // namespace loom::io::internal
