#pragma once

#include <loom/testing/harness.hpp>
#include <string>

inline const loom::testing::Plugin& github_plugin() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_github.so");
  return plugin;
}
