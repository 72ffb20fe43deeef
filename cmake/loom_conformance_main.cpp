// The conformance test of one plugin, built by loom_add_conformance_test() (LoomPlugin.cmake)
// with the plugin's sanitized copy and its options table in loom_conformance_setup.hpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "loom_conformance_setup.hpp"

TEST_CASE("every component of the plugin survives create, batches, end_shard, finish, destroy") {
  const std::size_t components = loom::conformance::exercise_plugin(
      LOOM_CONFORMANCE_PLUGIN_FILE, loom_conformance_setups(),
      "give it as OPTIONS <component>.<option>=<value> of loom_add_conformance_test()");
  CHECK_MESSAGE(components > 0, "the plugin " LOOM_CONFORMANCE_PLUGIN_FILE " has no component");
  MESSAGE(components << " components in " LOOM_CONFORMANCE_PLUGIN_FILE);
}
