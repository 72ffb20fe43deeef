// The github plugin against real CPython: str.splitlines()/len()/isalnum() statistics over every
// code point Python knows plus random line-break mixes, and the reference's copyright rule
// (Python's re, IGNORECASE included) on random comment soups. python_oracle.py writes the cases.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <loom/testing/harness.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "github_test_support.hpp"

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

std::string run_oracle(const std::string& mode, const std::filesystem::path& out) {
  const std::string command = "python3 " + std::string(LOOM_SOURCE_DIR) +
                              "/tests/plugins/github/python_oracle.py " + mode + " " + out.string();
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string version;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) version += buffer;
  REQUIRE_MESSAGE(pclose(pipe) == 0, "python3 failed: " << command);
  return version;
}

struct Reader {
  std::ifstream in;
  bool next_header(std::size_t& bytes, std::vector<std::string>& fields) {
    std::string line;
    if (!std::getline(in, line)) return false;
    std::istringstream words(line);
    words >> bytes;
    fields.clear();
    for (std::string w; words >> w;) fields.push_back(w);
    return true;
  }
  std::string bytes(std::size_t n) {
    std::string s(n, '\0');
    in.read(s.data(), static_cast<std::streamsize>(n));
    return s;
  }
};

// Python's repr of an int or a float, as the oracle printed it.
MetaValue python_number(const std::string& text) {
  if (text.find_first_of(".eE") == std::string::npos && text != "inf")
    return MetaValue(static_cast<std::int64_t>(std::stoll(text)));
  return MetaValue(std::strtod(text.c_str(), nullptr));
}

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::path(LOOM_BINARY_DIR) / "tests" / "plugin_github_scratch";
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace

TEST_CASE("github_metadata statistics equal CPython's splitlines, len and isalnum") {
  const auto path = scratch("stats.bin");
  const std::string unicode_version = run_oracle("stats", path);
  Instance metadata(github_plugin().component("github_metadata"), {});
  Reader reader{std::ifstream(path, std::ios::binary)};
  std::size_t n = 0, cases = 0;
  std::vector<std::string> fields;
  while (reader.next_header(n, fields)) {
    REQUIRE(fields.size() == 4);
    Document doc{reader.bytes(n)};
    doc.meta.emplace_back("content_hash", "x");
    const Document got = metadata.process({doc}).at(0);
    INFO("case " << cases << " (Python Unicode " << unicode_version << "), " << n << " bytes");
    CHECK(*got.find("line_count") == python_number(fields[0]));
    CHECK(*got.find("max_line_length") == python_number(fields[1]));
    CHECK(*got.find("avg_line_length") == python_number(fields[2]));
    CHECK(*got.find("alnum_prop") == python_number(fields[3]));
    ++cases;
  }
  CHECK(cases > 3000);
}

TEST_CASE("copyright_strip equals the reference's clean_copyright_comments under CPython") {
  const auto path = scratch("copyright.bin");
  run_oracle("copyright", path);
  Instance strip(github_plugin().component("copyright_strip"), {});
  Reader reader{std::ifstream(path, std::ios::binary)};
  std::size_t n = 0, cases = 0;
  std::vector<std::string> fields;
  while (reader.next_header(n, fields)) {
    const std::string input = reader.bytes(n);
    std::size_t expected_bytes = 0;
    REQUIRE(reader.next_header(expected_bytes, fields));
    const std::string expected = reader.bytes(expected_bytes);
    INFO("input: " << input);
    CHECK(strip.process({Document{input}}).at(0).text == expected);
    ++cases;
  }
  CHECK(cases == 3000);
}
