// arxiv_source's archive handling. The first byte's low bit picks the layer:
//   0: load_tex_project over the rest, one paper's `<id>.gz` (a gzipped tar or a gzipped file),
//      with a size limit from the mode;
//   1: MonthlyTar over a file holding the rest, the monthly tar of papers.
// Checks: a project that loads is within its size limit and all UTF-8, a failed one says why;
// the monthly tar throws only loom::Errors naming the file, and members read at most their size.
#include <cstdint>

#include "fuzz_support.hpp"
#include "paper_archive.hpp"

using namespace loom;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::use_test_host();
  const std::uint8_t mode = data[0];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  if ((mode & 1) == 0) {
    const std::int64_t max_bytes = std::int64_t{64} << ((mode >> 1) & 15);
    arxiv::TexProject project;
    try {
      project = arxiv::load_tex_project(rest, max_bytes);
    } catch (const std::exception& e) {
      fuzz::fail(std::string("load_tex_project threw: ") + e.what());
    }
    if (project.status == arxiv::TexProject::Status::ok) {
      std::int64_t total = 0;
      for (const std::string& file : project.files) {
        fuzz::require(fuzz::valid_utf8(file), "a loaded .tex file is not valid UTF-8");
        total += static_cast<std::int64_t>(file.size());
      }
      fuzz::require(total <= max_bytes, "a loaded project is over its size limit");
    } else {
      fuzz::require(!project.problem.empty(), "a project that did not load says nothing");
    }
    return 0;
  }
  const std::string path = fuzz::scratch_file(rest, ".tar");
  fuzz::only_loom_errors(
      [&] {
        arxiv::MonthlyTar tar(path);
        arxiv::TarMember member;
        while (tar.next(member)) {
          // Fuzz inputs are small; a member claiming more is refused (a loom::Error).
          const std::string bytes = tar.read_data(std::int64_t{1} << 24);
          if (member.kind == arxiv::TarMember::Kind::regular_file && member.size >= 0)
            fuzz::require(static_cast<std::int64_t>(bytes.size()) <= member.size,
                          "a member read past its size");
        }
      },
      path);
  return 0;
}
