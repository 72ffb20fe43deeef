// arxiv_latex's LaTeX cleaning (header search, comments, bibliography cut, macro expansion), for
// a project of files split at \x1e bytes, with the reference's quirks picked by the first byte.
// Checks: it never throws, a project that does not fail gives valid UTF-8 from valid UTF-8, and
// cleaning is deterministic.
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "latex_cleaner.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  arxiv::LatexQuirks quirks;
  quirks.paragraph_needs_subparagraph = (data[0] & 1) != 0;
  quirks.inline_comment_eats_preceding_char = (data[0] & 2) != 0;
  quirks.unescapable_macro_fails_paper = (data[0] & 4) != 0;
  const std::string_view project = fuzz::as_text(data + 1, size - 1);
  std::vector<std::string_view> files;
  for (std::size_t start = 0;;) {
    const std::size_t end = project.find('\x1e', start);
    files.push_back(project.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  arxiv::CleanedProject first, second;
  try {
    first = arxiv::clean_project(files, quirks);
    second = arxiv::clean_project(files, quirks);
  } catch (const std::exception& e) {
    fuzz::fail(std::string("clean_project threw: ") + e.what());
  }
  fuzz::require(first.text == second.text && first.failed == second.failed,
                "two cleanings of the same project differ");
  if (first.failed) fuzz::require(!first.failure.empty(), "a failure without a reason");
  if (!first.failed && fuzz::valid_utf8(project))
    fuzz::require(fuzz::valid_utf8(first.text), "valid UTF-8 in, invalid UTF-8 out");
  return 0;
}
