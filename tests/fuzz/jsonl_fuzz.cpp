// jsonl_source's line parser: the whole shard reader over a file holding the input (after one
// byte that picks the options and how many bytes the host lends at a time, so that lent blocks
// end inside lines, escapes and CRLFs). Checks: texts are valid UTF-8 (simdjson validates), at most
// one document per non-blank line, errors are loom::Errors naming the file, and on_error: skip
// never stops the shard.
#include <cstdint>

#include "fuzz_support.hpp"
#include "jsonl_source.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::use_test_host();
  const std::uint8_t mode = data[0];
  const std::string_view body = fuzz::as_text(data + 1, size - 1);
  const std::string path = fuzz::scratch_file(body, ".jsonl");

  io::JsonlSourceOptions options;
  options.paths = {path};
  const bool skip = (mode & 1) != 0;
  options.on_error = skip ? "skip" : "fail";
  options.missing_fields = io::JsonlSourceOptions::missing_fields_values[(mode >> 1) % 3];
  if ((mode & 8) != 0) options.field_map = {{"url", "url"}, {"id", "meta"}};
  if ((mode & 16) != 0) options.text_field = "content";
  if ((mode & 32) != 0) options.max_line_bytes = 64;
  constexpr std::size_t lend_sizes[] = {std::size_t{256} << 10, 1, 7, 64};
  const loom::testing::InputLendBytes lent_blocks(lend_sizes[(mode >> 6) & 3]);

  std::size_t lines = 0;
  for (std::size_t start = 0; start < body.size();) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    if (body.substr(start, end - start).find_first_not_of(" \t\r") != std::string_view::npos)
      ++lines;
    start = end + 1;
  }

  std::size_t documents = 0;
  io::JsonlSource source(options);
  const bool threw = fuzz::only_loom_errors(
      [&] {
        auto reader = source.open(path, 0);
        fuzz::drain(*reader, [&](Doc doc) {
          fuzz::require(fuzz::valid_utf8(doc.text()), "a document text is not valid UTF-8");
          ++documents;
        });
      },
      path);
  fuzz::require(!(threw && skip), "on_error: skip still stopped the shard");
  fuzz::require(documents <= lines, "more documents than non-blank lines");
  return 0;
}
