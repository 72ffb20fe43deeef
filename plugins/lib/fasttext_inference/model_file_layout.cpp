#include "model_file_layout.hpp"

#include <sys/types.h>

#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

namespace loom::fasttext_inference {
namespace {

// libfasttext 0.9's layout (args.cc, dictionary.cc, quantmatrix.cc, productquantizer.cc,
// densematrix.cc): little-endian fields in the order read here.
constexpr std::int64_t header_bytes = 8;         // magic, version
constexpr std::int64_t args_bytes = 12 * 4 + 8;  // twelve int32 fields, then the double `t`
constexpr std::int64_t centroids_per_subquantizer = 256;  // ProductQuantizer's ksub_

// Reads the file in order through stdio's buffer, seeking over the bulk (rows, codes,
// centroids): a model of gigabytes is checked without being read into memory.
class Walk {
 public:
  Walk(std::string path, std::FILE* file, std::uint64_t size)
      : path_(std::move(path)), file_(file), size_(size) {}

  [[noreturn]] void damaged(const std::string& what) const {
    throw std::runtime_error("'" + path_ + "': damaged fastText model: " + what +
                             " (the file has " + std::to_string(size_) + " bytes)");
  }

  std::uint64_t left() const { return size_ - at_; }

  template <class T>
  T read(const std::string& what) {
    T value;
    if (left() < sizeof(T) || std::fread(&value, sizeof value, 1, file_) != 1)
      damaged(what + " runs past the end of the file");
    at_ += sizeof value;
    return value;
  }

  void skip(std::int64_t count, std::int64_t each, const std::string& what) {
    if (count < 0) damaged(what + ": a negative count (" + std::to_string(count) + ")");
    if (each > 0 && static_cast<std::uint64_t>(count) > left() / static_cast<std::uint64_t>(each))
      damaged(what + ": " + std::to_string(count) + " of " + std::to_string(each) +
              " bytes each do not fit in what is left of the file");
    at_ += static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(each);
    if (fseeko(file_, static_cast<off_t>(at_), SEEK_SET) != 0) damaged(what + ": cannot seek");
  }

  void dictionary() {
    const auto size = read<std::int32_t>("the dictionary's size");
    const auto words = read<std::int32_t>("the dictionary's word count");
    const auto labels = read<std::int32_t>("the dictionary's label count");
    read<std::int64_t>("the dictionary's token count");
    const auto pruned = read<std::int64_t>("the dictionary's pruning table size");
    if (size < 0 || words < 0 || labels < 0 || std::int64_t{words} + labels != size)
      damaged("the dictionary's counts do not add up (" + std::to_string(size) + " entries, " +
              std::to_string(words) + " words, " + std::to_string(labels) + " labels)");
    // Each entry: its bytes up to a NUL, an int64 count, an int8 type: at least 10 bytes.
    if (static_cast<std::uint64_t>(size) > left() / 10)
      damaged("the dictionary claims " + std::to_string(size) +
              " entries, more than what is left of the file can hold");
    for (std::int32_t i = 0; i < size; ++i) {
      int c = 0;
      do {
        c = getc_unlocked(file_);  // the walk's own FILE: no other thread uses it
        if (c == EOF) damaged("dictionary entry " + std::to_string(i) + " has no end");
        ++at_;
      } while (c != 0);
      // Its count and type, read through the buffer: a seek per entry refilled it every time.
      char count_and_type[9];
      if (left() < sizeof count_and_type ||
          std::fread(count_and_type, sizeof count_and_type, 1, file_) != 1)
        damaged("dictionary entry " + std::to_string(i) + " runs past the end of the file");
      at_ += sizeof count_and_type;
    }
    if (pruned >= 0) skip(pruned, 8, "the dictionary's pruning table");
  }

  // A product quantizer of vectors of `dim` floats, its shape as libfasttext makes it (dim / dsub
  // subquantizers, rounded up, the last one taking the rest): its reading of rows indexes the
  // centroids and the row by that shape, so any other would read or write past them.
  // Returns its subquantizer count.
  std::int64_t product_quantizer(const std::string& what, std::int64_t dim) {
    const auto stored_dim = read<std::int32_t>(what + "'s dimension");
    const auto subquantizers = read<std::int32_t>(what + "'s subquantizer count");
    const auto sub_dim = read<std::int32_t>(what + "'s subquantizer dimension");
    const auto last_sub_dim = read<std::int32_t>(what + "'s last subquantizer dimension");
    const bool shaped = stored_dim == dim && sub_dim >= 1 &&
                        subquantizers == (dim + sub_dim - 1) / sub_dim &&
                        last_sub_dim == (dim % sub_dim != 0 ? dim % sub_dim : sub_dim);
    if (!shaped)
      damaged(what + " does not fit vectors of " + std::to_string(dim) + " (dimension " +
              std::to_string(stored_dim) + ", " + std::to_string(subquantizers) +
              " subquantizers of " + std::to_string(sub_dim) + ", the last of " +
              std::to_string(last_sub_dim) + ")");
    skip(dim * centroids_per_subquantizer, 4, what + "'s centroids");
    return subquantizers;
  }

  void matrix(bool quantized, const std::string& what) {
    if (!quantized) {
      const auto m = read<std::int64_t>(what + "'s rows");
      const auto n = read<std::int64_t>(what + "'s columns");
      if (m < 0 || n < 0) damaged(what + ": negative dimensions");
      if (n > 0 && m > std::numeric_limits<std::int64_t>::max() / n)
        damaged(what + ": dimensions too large");
      skip(m * n, 4, what + "'s values");
      return;
    }
    const bool qnorm = read<std::uint8_t>(what + "'s norm flag") != 0;
    const auto m = read<std::int64_t>(what + "'s rows");
    const auto n = read<std::int64_t>(what + "'s columns");
    const auto codes = read<std::int32_t>(what + "'s code size");
    if (m < 0 || n < 1 || n > std::numeric_limits<std::int32_t>::max())
      damaged(what + ": dimensions " + std::to_string(m) + " x " + std::to_string(n));
    skip(codes, 1, what + "'s codes");
    const std::int64_t subquantizers = product_quantizer(what + "'s quantizer", n);
    if (m > std::numeric_limits<std::int64_t>::max() / subquantizers || codes != m * subquantizers)
      damaged(what + ": " + std::to_string(codes) + " code bytes for " + std::to_string(m) +
              " rows of " + std::to_string(subquantizers) + " subquantizers");
    if (qnorm) {
      skip(m, 1, what + "'s norm codes");
      product_quantizer(what + "'s norm quantizer", 1);
    }
  }

  void walk() {
    skip(1, header_bytes + args_bytes, "the header and arguments");
    dictionary();
    const bool quantized_input = read<std::uint8_t>("the input matrix's quantization flag") != 0;
    matrix(quantized_input, "the input matrix");
    const bool quantized_output = read<std::uint8_t>("the output matrix's quantization flag") != 0;
    matrix(quantized_input && quantized_output, "the output matrix");
  }

 private:
  std::string path_;
  std::FILE* file_;
  std::uint64_t size_;
  std::uint64_t at_ = 0;
};

}  // namespace

void check_model_file_layout(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open fastText model '" + path + "'");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
  if (fseeko(file, 0, SEEK_END) != 0)
    throw std::runtime_error("cannot read fastText model '" + path + "'");
  const off_t size = ftello(file);
  if (size < 0 || fseeko(file, 0, SEEK_SET) != 0)
    throw std::runtime_error("cannot read fastText model '" + path + "'");
  Walk(path, file, static_cast<std::uint64_t>(size)).walk();
}

}  // namespace loom::fasttext_inference
