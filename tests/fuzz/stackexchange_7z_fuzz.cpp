// A site dump's .7z as stackexchange_source opens it (libarchive finds the Posts.xml member and
// streams it to the row reader). The first byte picks what the rest is:
//   0: the .7z file itself (raw bytes),
//   1: Posts.xml content, packed here into a well-formed .7z (store or deflate, member name from
//      the mode), so the fuzzer reaches the streaming path,
//   2: as 1, then the bytes at the end of the input overwrite bytes of the archive (damage at
//      places a fuzzer would rarely hit in a compressed file).
// Checks: only loom::Errors naming the file escape, and row attributes are valid UTF-8.
#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "posts_reader.hpp"

using namespace loom;

namespace {

std::string pack_7z(std::string_view posts, bool deflate, const char* member) {
  std::vector<char> out(posts.size() * 2 + 4096);
  std::size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_7zip(a);
  archive_write_set_format_option(a, "7zip", "compression", deflate ? "deflate" : "store");
  if (archive_write_open_memory(a, out.data(), out.size(), &used) != ARCHIVE_OK)
    fuzz::fail(std::string("cannot open a 7z writer: ") + archive_error_string(a));
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, member);
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_size(entry, static_cast<la_int64_t>(posts.size()));
  archive_write_header(a, entry);
  if (!posts.empty()) archive_write_data(a, posts.data(), posts.size());
  archive_entry_free(entry);
  archive_write_close(a);
  archive_write_free(a);
  return std::string(out.data(), used);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::use_test_host();
  const std::uint8_t mode = data[0];
  std::string_view rest = fuzz::as_text(data + 1, size - 1);
  std::string archive_bytes;
  if (mode % 3 == 0) {
    archive_bytes = std::string(rest);
  } else {
    // Mode 2 keeps its last 16 bytes as 8 (position, value) pairs of damage.
    std::string_view damage;
    if (mode % 3 == 2 && rest.size() >= 16) {
      damage = rest.substr(rest.size() - 16);
      rest.remove_suffix(16);
    }
    const char* member = (mode & 8) != 0 ? "site/Posts.xml" : "Posts.xml";
    archive_bytes = pack_7z(rest, (mode & 4) != 0, member);
    for (std::size_t i = 0; i + 1 < damage.size() && !archive_bytes.empty(); i += 2)
      archive_bytes[static_cast<unsigned char>(damage[i]) * 31 % archive_bytes.size()] =
          damage[i + 1];
  }
  const std::string path = fuzz::scratch_file(archive_bytes, ".7z");
  fuzz::only_loom_errors(
      [&] {
        stackexchange::PostRowReader reader(path, stackexchange::open_posts_bytes(path));
        stackexchange::PostRow row;
        while (reader.next(row)) {
          if (row.body) fuzz::require(fuzz::valid_utf8(*row.body), "a Body is not valid UTF-8");
          if (row.title) fuzz::require(fuzz::valid_utf8(*row.title), "a Title is not valid UTF-8");
        }
      },
      path);
  return 0;
}
