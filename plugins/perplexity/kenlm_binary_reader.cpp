// KenLM's binary file, as build_binary writes it for the probing data structure (format
// version 5). The layout, all little-endian, 8-byte aligned sections noted:
//   sanity header (88 bytes): a magic line padded to 56 bytes, floats 0, 1, -0.5, u32 1,
//     u32 0xFFFFFFFF, u32 0, u64 1 (so a file from another architecture is refused);
//   fixed parameters (20 bytes): u8 order, f32 probing multiplier, i32 model type (0 = probing),
//     u8 has-vocabulary, u32 search version; then u64 n-gram counts per order; padded to 8;
//   vocabulary: u32 version (0), u32 bound, then a probing table of (u64 word hash, u32 index);
//   unigrams: (count + 1) pairs of f32 (prob, backoff) by word index;
//   one probing table of (u64 key, f32 prob, f32 backoff) per order 2 .. order-1;
//   a probing table of (u64 key, f32 prob) for the highest order;
//   optionally the words, NUL-terminated, "<unk>" first.
// Table sizes follow from the counts and the multiplier, so the header alone locates everything.
#include "language_model.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace loom::ngram {
namespace {

constexpr std::string_view magic_prefix = "mmap lm http://kheafield.com/code";
constexpr std::string_view magic_before_version =
    "mmap lm http://kheafield.com/code format version";
constexpr std::string_view magic_incomplete = "mmap lm http://kheafield.com/code incomplete\n";
// The magic line with its two trailing NULs, as KenLM's 53-byte array.
constexpr std::string_view magic_line("mmap lm http://kheafield.com/code format version 5\n\0\0",
                                      53);
constexpr std::size_t sanity_bytes = 88;
constexpr std::size_t fixed_parameter_bytes = 20;
constexpr const char* model_type_names[] = {"probing hash tables",
                                            "probing hash tables with rest costs",
                                            "trie",
                                            "trie with quantization",
                                            "trie with array-compressed pointers",
                                            "trie with quantization and array-compressed pointers"};

std::uint64_t align8(std::uint64_t n) { return (n + 7) / 8 * 8; }

template <class T>
T read_at(const unsigned char* base, std::size_t offset) {
  T value;
  std::memcpy(&value, base + offset, sizeof value);
  return value;
}

// The file mapped read-only; unmapped when the last table view is gone.
struct MappedFile {
  void* address = MAP_FAILED;
  std::size_t size = 0;
  ~MappedFile() {
    if (address != MAP_FAILED) munmap(address, size);
  }
};

std::shared_ptr<MappedFile> map_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw ModelFileError("cannot open language model '" + path + "': " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    throw ModelFileError("cannot stat language model '" + path + "': " + std::strerror(error));
  }
  auto mapped = std::make_shared<MappedFile>();
  mapped->size = static_cast<std::size_t>(info.st_size);
  if (mapped->size > 0)
    mapped->address = ::mmap(nullptr, mapped->size, PROT_READ, MAP_SHARED, fd, 0);
  const int error = errno;
  ::close(fd);
  if (mapped->size > 0 && mapped->address == MAP_FAILED)
    throw ModelFileError("cannot map language model '" + path + "': " + std::strerror(error));
  return mapped;
}

// The sanity header: the magic line, then test values that only match on a little-endian
// machine with IEEE floats and the same struct padding.
void check_sanity(const std::string& path, const unsigned char* base, std::size_t size) {
  const std::string_view head(reinterpret_cast<const char*>(base),
                              std::min<std::size_t>(size, sanity_bytes));
  if (head.starts_with(magic_incomplete))
    throw ModelFileError("KenLM binary file '" + path +
                         "' did not finish building (build_binary failed or is still running)");
  if (size < sanity_bytes)
    throw ModelFileError("KenLM binary file '" + path + "' is truncated: " + std::to_string(size) +
                         " bytes, shorter than its 88-byte header");
  if (!head.starts_with(magic_line)) {
    if (head.starts_with(magic_before_version)) {
      const std::size_t end = head.find('\n', magic_before_version.size());
      throw ModelFileError(
          "KenLM binary file '" + path + "' has format version" +
          std::string(head.substr(magic_before_version.size(), end - magic_before_version.size())) +
          "; this reader expects version 5 (rebuild it with build_binary)");
    }
    throw ModelFileError("'" + path + "' is not a KenLM binary file: wrong magic bytes");
  }
  const bool padding_zero =
      std::all_of(base + magic_line.size(), base + 56, [](unsigned char c) { return c == 0; });
  const bool values_match =
      padding_zero && read_at<float>(base, 56) == 0.0F && read_at<float>(base, 60) == 1.0F &&
      read_at<float>(base, 64) == -0.5F && read_at<std::uint32_t>(base, 68) == 1U &&
      read_at<std::uint32_t>(base, 72) == 0xFFFFFFFFU && read_at<std::uint64_t>(base, 80) == 1U;
  if (!values_match)
    throw ModelFileError("KenLM binary file '" + path +
                         "': the header's test values do not match (written on another "
                         "architecture or by an old 32-bit KenLM); rebuild it from the ARPA file");
}

}  // namespace

bool looks_like_kenlm_binary(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // read_arpa reports the open error
  char head[64];
  const ssize_t got = ::read(fd, head, sizeof head);
  ::close(fd);
  return got > 0 && std::string_view(head, static_cast<std::size_t>(got)).starts_with(magic_prefix);
}

ModelTables read_kenlm_binary(const std::string& path) {
  std::shared_ptr<MappedFile> mapped = map_file(path);
  const auto* base = static_cast<const unsigned char*>(mapped->address);
  const std::size_t size = mapped->size;
  check_sanity(path, base, size);
  const auto fail = [&](const std::string& what) -> ModelFileError {
    return ModelFileError("KenLM binary file '" + path + "': " + what);
  };

  if (size < sanity_bytes + fixed_parameter_bytes) throw fail("truncated inside its parameters");
  const int order = read_at<std::uint8_t>(base, sanity_bytes);
  const float multiplier = read_at<float>(base, sanity_bytes + 4);
  const auto model_type = read_at<std::int32_t>(base, sanity_bytes + 8);
  const auto search_version = read_at<std::uint32_t>(base, sanity_bytes + 16);
  if (model_type != 0) {
    const bool known = model_type > 0 && model_type < 6;
    throw fail("built for " +
               (known ? std::string(model_type_names[model_type])
                      : "unknown model type " + std::to_string(model_type)) +
               "; only the probing layout (build_binary's default, `build_binary probing`) is "
               "supported");
  }
  if (search_version != 0)
    throw fail("probing search version " + std::to_string(search_version) + ", expected 0");
  if (order < 2 || order > max_order)
    throw fail("order " + std::to_string(order) + " outside 2.." + std::to_string(max_order));
  if (!(multiplier > 1.0F))
    throw fail("probing multiplier " + std::to_string(multiplier) + " <= 1");

  const std::size_t counts_at = sanity_bytes + fixed_parameter_bytes;
  if (size < counts_at + 8 * static_cast<std::size_t>(order)) throw fail("truncated in its counts");
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(order));
  for (int n = 0; n < order; ++n) {
    counts[n] = read_at<std::uint64_t>(base, counts_at + 8 * n);
    if (counts[n] == 0 || counts[n] > (std::uint64_t{1} << 40))
      throw fail("implausible " + std::to_string(n + 1) + "-gram count " +
                 std::to_string(counts[n]));
  }

  // Lay the sections out from the counts, then check the file holds them all.
  std::uint64_t offset = align8(counts_at + 8 * static_cast<std::uint64_t>(order));
  const std::uint64_t vocabulary_header = offset;
  ModelTables tables;
  tables.format = "KenLM binary (probing)";
  const auto place = [&](std::uint64_t count, std::size_t entry_bytes) {
    ProbingTable table;
    table.buckets = ProbingTable::buckets_for(count, multiplier);
    table.entry_bytes = entry_bytes;
    table.entries = base + offset;  // only dereferenced after the size check below
    offset += table.buckets * entry_bytes;
    return table;
  };
  offset += 8;
  tables.vocabulary = place(counts[0], 12);
  const std::uint64_t unigrams_at = offset;
  offset += (counts[0] + 1) * 8;
  for (int n = 2; n < order; ++n) tables.middle.push_back(place(counts[n - 1], 16));
  tables.longest = place(counts[order - 1], 12);
  if (offset > size)
    throw fail("truncated: " + std::to_string(size) + " bytes, but its header describes " +
               std::to_string(offset) + " bytes of tables");

  if (read_at<std::uint32_t>(base, vocabulary_header) != 0)
    throw fail("vocabulary version " +
               std::to_string(read_at<std::uint32_t>(base, vocabulary_header)) + ", expected 0");
  const auto bound = read_at<std::uint32_t>(base, vocabulary_header + 4);
  if (bound == 0 || bound > counts[0] + 1)
    throw fail("vocabulary bound " + std::to_string(bound) + " does not fit " +
               std::to_string(counts[0]) + " unigrams");
  const bool has_vocabulary = read_at<std::uint8_t>(base, sanity_bytes + 12) != 0;
  if (has_vocabulary && (size < offset + 6 || std::memcmp(base + offset, "<unk>", 6) != 0))
    throw fail("the word list after the tables does not start with <unk> (truncated file?)");

  tables.unigrams = base + unigrams_at;
  tables.unigram_count = bound;
  tables.storage = std::move(mapped);
  return tables;
}

}  // namespace loom::ngram
