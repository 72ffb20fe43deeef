// Where the ABI fixture plugins are built (tests/abi/CMakeLists.txt), for the abi and
// plugin_loader suites.
#pragma once

#include <loom/engine/diagnostic.hpp>

#include <string>
#include <vector>

namespace loom::testing {

// fixtures/good/ load together; fixtures/bad/ are refused or clash with a good one.
inline std::string abi_fixture(const std::string& folder, const std::string& name) {
  return std::string(LOOM_ABI_FIXTURE_DIR) + "/" + folder + "/libloom_abi_" + name + ".so";
}

inline std::string abi_fixture_folder(const std::string& folder) {
  return std::string(LOOM_ABI_FIXTURE_DIR) + "/" + folder;
}

// One diagnostic's message and notes, for substring checks.
inline std::string all_text(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) {
    text += d.message + "\n";
    for (const std::string& note : d.notes) text += "  note: " + note + "\n";
  }
  return text;
}

}  // namespace loom::testing
