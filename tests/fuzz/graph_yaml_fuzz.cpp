// The YAML graph loader (yaml-cpp underneath, then the graph schema). Checks: it never throws
// (every problem is a diagnostic), every diagnostic about the file names it, and loading the
// same text twice gives the same diagnostics.
#include <loom/engine/graph_spec.hpp>

#include <cstdint>
#include <string>
#include <typeinfo>
#include <vector>

#include "fuzz_checks.hpp"

using namespace loom;

namespace {

std::vector<std::string> load(const std::string& text) {
  const Variables variables{{"ROOT", "/data"}, {"SHARDS", "4"}};
  std::vector<Diagnostic> diagnostics;
  try {
    load_graph_text("fuzz.yaml", text, variables, diagnostics);
  } catch (const std::exception& e) {
    fuzz::fail(std::string("load_graph_text threw (") + typeid(e).name() + "): " + e.what());
  }
  std::vector<std::string> rendered;
  for (const Diagnostic& d : diagnostics) {
    fuzz::require(d.file.empty() || d.file == "fuzz.yaml", "a diagnostic names another file");
    fuzz::require(!d.message.empty(), "a diagnostic without a message");
    rendered.push_back(d.file + ":" + std::to_string(d.mark.line) + ":" +
                       std::to_string(d.mark.column) + ": " + d.message);
  }
  return rendered;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));
  fuzz::require(load(text) == load(text), "two loads of the same text disagree");
  return 0;
}
