// Shared by the io plugin tests: the built libloom_io.so and a way to run Python.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <loom/testing/harness.hpp>
#include <string>

namespace io_test {

inline const loom::testing::Plugin& io_plugin() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_io.so");
  return plugin;
}

inline const loom_component& component(const char* name) { return io_plugin().component(name); }

inline bool have_python() {
  static const bool ok = std::system("python3 -c pass >/dev/null 2>&1") == 0;
  return ok;
}

// Runs a Python script with arguments; fails the test if it exits non-zero.
inline void run_python(const loom::testing::TempDir& dir, const std::string& script,
                       const std::string& args) {
  std::string path = dir / "script.py";
  loom::testing::write_file(path, script);
  std::string command = "python3 '" + path + "' " + args;
  INFO("command: ", command);
  REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace io_test
