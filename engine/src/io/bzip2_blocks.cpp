#include "io/bzip2_blocks.hpp"

#include <bzlib.h>

#include <algorithm>
#include <array>

namespace loom::io::internal::bzip2_blocks {

namespace {

constexpr std::uint64_t kMask48 = (std::uint64_t{1} << 48) - 1;

// 64 bits of `bytes` from byte `at`, big-endian, zeros past the end.
std::uint64_t load_be64(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i)
    value = (value << 8) | (at + i < bytes.size() ? bytes[at + i] : 0);
  return value;
}

class BitWriter {
 public:
  void put(std::uint64_t value, int count) {  // count <= 32
    pending_ = (pending_ << count) | (value & ((std::uint64_t{1} << count) - 1));
    pending_bits_ += count;
    while (pending_bits_ >= 8) {
      pending_bits_ -= 8;
      bytes_.push_back(static_cast<char>((pending_ >> pending_bits_) & 0xFF));
    }
    pending_ &= (std::uint64_t{1} << pending_bits_) - 1;
  }
  std::string finish() {
    if (pending_bits_ > 0) put(0, 8 - pending_bits_);
    return std::move(bytes_);
  }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }

 private:
  std::string bytes_;
  std::uint64_t pending_ = 0;
  int pending_bits_ = 0;
};

}  // namespace

std::uint32_t bits_at(const std::vector<std::uint8_t>& bytes, std::uint64_t bit, int count) {
  const std::uint64_t word = load_be64(bytes, static_cast<std::size_t>(bit / 8));
  return static_cast<std::uint32_t>((word << (bit % 8)) >> (64 - count));
}

std::uint64_t magic_at(const std::vector<std::uint8_t>& bytes, std::uint64_t bit) {
  return (std::uint64_t{bits_at(bytes, bit, 24)} << 24) | bits_at(bytes, bit + 24, 24);
}

namespace {

// Bytes 1 and 2 after the byte where a magic starts lie wholly inside its 48 bits at any of the 8
// bit shifts: 16 (magic, shift) pairs give at most 16 of the 65,536 values those two bytes can
// take. A byte whose next two are none of them starts no magic, so the scan tests one bit of this
// table per byte and checks the 8 shifts only where it is set (about 1 byte in 4,000 of
// compressed data), instead of every shift of every byte.
struct AnchorTable {
  std::array<std::uint64_t, 65536 / 64> bits{};
  constexpr AnchorTable() {
    for (const std::uint64_t magic : {kBlockMagic, kEndMagic})
      for (int shift = 0; shift < 8; ++shift) {
        const std::uint64_t anchor = ((magic << (8 - shift)) >> 32) & 0xFFFF;  // bytes 1-2 of 7
        bits[anchor / 64] |= std::uint64_t{1} << (anchor % 64);
      }
  }
  bool has(std::uint32_t anchor) const { return (bits[anchor / 64] >> (anchor % 64)) & 1U; }
};
constexpr AnchorTable kAnchors;

}  // namespace

std::uint64_t find_magic(const std::vector<std::uint8_t>& bytes, std::uint64_t from) {
  const std::uint64_t total = std::uint64_t{bytes.size()} * 8;
  if (total < 48) return kNotFound;
  const std::uint8_t* data = bytes.data();
  for (std::size_t byte = static_cast<std::size_t>(from / 8); byte * 8 + 48 <= total; ++byte) {
    // byte * 8 + 48 <= total puts byte + 5 inside, so byte + 2 is.
    if (!kAnchors.has((std::uint32_t{data[byte + 1]} << 8) | data[byte + 2])) continue;
    const std::uint64_t word = load_be64(bytes, byte);
    for (int shift = 0; shift < 8; ++shift) {
      const std::uint64_t at = byte * 8 + static_cast<std::uint64_t>(shift);
      if (at < from) continue;
      if (at + 48 > total) return kNotFound;
      const std::uint64_t bits = (word >> (16 - shift)) & kMask48;
      if (bits == kBlockMagic || bits == kEndMagic) return at;
    }
  }
  return kNotFound;
}

std::string wrap_block(const std::vector<std::uint8_t>& bytes, std::uint64_t from, std::uint64_t to,
                       char level) {
  BitWriter out;
  out.reserve(static_cast<std::size_t>((to - from) / 8 + 32));
  for (const char c : {'B', 'Z', 'h', level}) out.put(static_cast<unsigned char>(c), 8);
  const std::uint32_t crc = bits_at(bytes, from + 48, 32);
  std::uint64_t bit = from;
  for (; to - bit >= 32; bit += 32) out.put(bits_at(bytes, bit, 32), 32);
  if (to > bit)
    out.put(bits_at(bytes, bit, static_cast<int>(to - bit)), static_cast<int>(to - bit));
  out.put(kEndMagic >> 24, 24);
  out.put(kEndMagic & 0xFFFFFF, 24);
  out.put(crc, 32);
  return out.finish();
}

Decoded decode_stream(const std::string& stream) {
  Decoded result;
  bz_stream z{};
  if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
    result.status = BZ_MEM_ERROR;
    return result;
  }
  // Text compresses 3-5x; the buffer grows if a block holds more.
  result.text.resize(std::max<std::size_t>(stream.size() * 6, std::size_t{1} << 16));
  std::size_t produced = 0;
  z.next_in = const_cast<char*>(stream.data());
  z.avail_in = static_cast<unsigned>(stream.size());
  for (;;) {
    if (produced == result.text.size()) result.text.resize(2 * result.text.size());
    z.next_out = result.text.data() + produced;
    z.avail_out = static_cast<unsigned>(result.text.size() - produced);
    const int status = BZ2_bzDecompress(&z);
    produced = result.text.size() - z.avail_out;
    if (status == BZ_STREAM_END || status != BZ_OK) {
      result.status = status;
      break;
    }
    if (z.avail_in == 0 && z.avail_out > 0) {  // wants more than the whole block: cut short
      result.status = BZ_UNEXPECTED_EOF;
      break;
    }
  }
  BZ2_bzDecompressEnd(&z);
  result.text.resize(produced);
  return result;
}

}  // namespace loom::io::internal::bzip2_blocks
