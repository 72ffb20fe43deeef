// The fixture plugin the diagnostics cases are written against: the shared testkit components
// (tests/support/testkit_components.hpp), exported from a shared library as `loom validate` needs.
#include "testkit_components.hpp"

extern "C" LOOM_EXPORT const loom_plugin* loom_plugin_entry(void) {
  return &testkit::descriptor().plugin;
}
