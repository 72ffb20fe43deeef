// The default Input::lend(): a read into a buffer the input keeps, so that every input can lend.
// The buffers come from a process-wide free list: a run opens a decoder per shard, and a fresh
// 256 KiB buffer each time would cost a page fault per 4 KiB.
#include "base/recycled_buffers.hpp"
#include "io/io.hpp"

namespace loom::io {

namespace {
// A shard's input and the one its source opened ahead, for a few sources at once.
using LendBuffers = RecycledBuffers<kLendBytes + kLendPadding, 8>;
}  // namespace

Input::~Input() { LendBuffers::give_back(std::move(lend_buffer_)); }

std::string_view Input::lend() {
  if (!lend_buffer_) lend_buffer_ = LendBuffers::take();
  // A decoder may return fewer bytes than asked before its end; a short read is lent as it is.
  const std::size_t filled = read(lend_buffer_.get(), kLendBytes);
  return {lend_buffer_.get(), filled};
}

}  // namespace loom::io
