#include "io/io.hpp"
#include "report/report.hpp"

namespace loom::report {

std::string write_report(const std::string& path, const RunResult& run,
                         const std::string& graph_path) {
  try {
    // io::Output writes a temporary name and renames on commit: never a half-written page.
    auto out = io::Output::open(path, LOOM_CODEC_NONE);
    out->write(render_page(report_data_json(run, graph_path)));
    out->commit();
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace loom::report
