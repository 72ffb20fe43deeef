// Shared by the quality plugin's tests: the plugin, one document through a component, its meta.
#pragma once

#include <doctest/doctest.h>

#include <cmath>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

namespace quality_test {

inline const loom::testing::Plugin& plugin() {
  static const loom::testing::Plugin p =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_quality.so");
  return p;
}

// `text` through a fresh instance of `component` with `options`.
inline loom::testing::Document run(const char* component, const std::string& text,
                                   const loom::testing::OptionMap& options = {}) {
  loom::testing::Instance instance(plugin().component(component), options);
  loom::testing::Document doc;
  doc.text = text;
  return instance.process({doc}).at(0);
}

inline std::string verdict(const loom::testing::Document& d) {
  return d.dropped ? d.drop_reason : "kept";
}

inline double real(const loom::testing::Document& d, const std::string& key) {
  const loom::testing::MetaValue* v = d.find(key);
  REQUIRE_MESSAGE(v != nullptr, "no meta field " << key);
  REQUIRE_MESSAGE(v->type == LOOM_VALUE_FLOAT, key << " is " << *v);
  return v->f;
}

inline std::int64_t integer(const loom::testing::Document& d, const std::string& key) {
  const loom::testing::MetaValue* v = d.find(key);
  REQUIRE_MESSAGE(v != nullptr, "no meta field " << key);
  REQUIRE_MESSAGE(v->type == LOOM_VALUE_INT, key << " is " << *v);
  return v->i;
}

// Every float in meta is a number (no NaN or infinity reaches a JSON writer).
inline void check_finite(const loom::testing::Document& d) {
  for (const auto& [key, value] : d.meta)
    if (value.type == LOOM_VALUE_FLOAT)
      CHECK_MESSAGE(std::isfinite(value.f), key << " = " << value.f);
}

}  // namespace quality_test
