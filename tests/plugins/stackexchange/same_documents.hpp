// Two reads of the same posts, compared document by document (text, meta and origin).
#pragma once

#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <vector>

inline void check_same(const std::vector<loom::testing::Document>& want,
                       const std::vector<loom::testing::Document>& got) {
  REQUIRE(want.size() == got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("document " << i);
    REQUIRE(want[i].text == got[i].text);
    REQUIRE(want[i].meta == got[i].meta);
    REQUIRE(want[i].record == got[i].record);
    REQUIRE(want[i].offset == got[i].offset);
  }
}
