// github_source's BigQuery export rows (one JSON object per line, `content` is the text). Checks:
// texts are valid UTF-8, at most one document per line, errors are loom::Errors naming the file.
#include <algorithm>
#include <cstdint>

#include "fuzz_support.hpp"
#include "github_source.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::use_test_host();
  const std::string_view body = fuzz::as_text(data, size);
  const std::string path = fuzz::scratch_file(body, ".jsonl");
  std::size_t documents = 0;
  fuzz::only_loom_errors(
      [&] {
        auto reader = github::open_bigquery_rows(path);
        fuzz::drain(*reader, [&](Doc doc) {
          fuzz::require(fuzz::valid_utf8(doc.text()), "a document text is not valid UTF-8");
          ++documents;
        });
      },
      path);
  const auto newlines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
  fuzz::require(documents <= newlines + 1, "more documents than lines");
  return 0;
}
