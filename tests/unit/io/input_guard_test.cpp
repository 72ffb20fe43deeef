// Outputs never replace an input nor land where an input pattern would read them back.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

// The guard is process-wide: each test starts and ends with no inputs recorded.
struct FreshGuard {
  FreshGuard() { reset_input_guard(); }
  ~FreshGuard() { reset_input_guard(); }
};

std::string refusal(const std::string& output) {
  try {
    check_output_path(output);
  } catch (const IoError& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("an output that is an input file is refused, by any spelling of its path") {
  FreshGuard fresh;
  ScratchDir dir;
  write_file(dir.file("data/rows.jsonl"), "{}\n");
  guard_input(dir.file("data/rows.jsonl"));
  const std::string direct = refusal(dir.file("data/rows.jsonl"));
  CHECK(contains(direct, "refusing to write output '" + dir.file("data/rows.jsonl") + "'"));
  CHECK(contains(direct, "it is an input of this run"));
  CHECK_FALSE(refusal(dir.file("data/../data/./rows.jsonl")).empty());
  std::filesystem::create_directory_symlink(dir.file("data"), dir.file("alias"));
  CHECK_FALSE(refusal(dir.file("alias/rows.jsonl")).empty());
  std::filesystem::create_hard_link(dir.file("data/rows.jsonl"), dir.file("hardlink.jsonl"));
  CHECK_FALSE(refusal(dir.file("hardlink.jsonl")).empty());
  CHECK(refusal(dir.file("data/rows.out.jsonl")).empty());
}

TEST_CASE("an output an input glob would match is refused, naming the pattern") {
  FreshGuard fresh;
  ScratchDir dir;
  guard_input(dir.file("data/*.json.gz"));
  guard_input(dir.file("tree/**/*.jsonl"));
  const std::string error = refusal(dir.file("data/new.json.gz"));
  CHECK(contains(error, "the input pattern '" + dir.file("data/*.json.gz") + "' matches it"));
  CHECK(refusal(dir.file("data/new.jsonl.zst")).empty());
  CHECK_FALSE(refusal(dir.file("tree/out.jsonl")).empty());
  CHECK_FALSE(refusal(dir.file("tree/a/b/out.jsonl")).empty());
  CHECK(refusal(dir.file("tree/.hidden/out.jsonl")).empty());  // ** skips hidden folders
  CHECK(refusal(dir.file("tree/a/out.jsonl.gz")).empty());
}

TEST_CASE("an output inside an input folder is refused; URLs and a reset guard refuse nothing") {
  FreshGuard fresh;
  ScratchDir dir;
  std::filesystem::create_directories(dir.file("repos/one"));
  guard_input(dir.file("repos/one"));
  guard_input("https://example.org/*.gz");
  CHECK(contains(refusal(dir.file("repos/one/out.jsonl")), "inside the input folder"));
  CHECK(refusal(dir.file("repos/two.jsonl")).empty());
  reset_input_guard();
  CHECK(refusal(dir.file("repos/one/out.jsonl")).empty());
}

TEST_CASE("Output::open refuses before creating anything") {
  FreshGuard fresh;
  ScratchDir dir;
  guard_input(dir.file("in/*.jsonl"));
  CHECK_THROWS_AS(Output::open(dir.file("in/out.jsonl")), IoError);
  CHECK_FALSE(std::filesystem::exists(dir.file("in")));
}

TEST_CASE("s3:// inputs guard s3:// outputs, compared as written") {
  FreshGuard guard;
  guard_input("s3://bucket/in/**/*.gz");
  guard_input("s3://bucket/listing.paths");
  CHECK(contains(refusal("s3://bucket/in/sub/x.gz"), "the input pattern 's3://bucket/in/**/*.gz'"));
  CHECK(contains(refusal("s3://bucket/listing.paths"), "it is an input of this run"));
  CHECK(refusal("s3://bucket/out/x.gz").empty());
  CHECK(refusal("s3://other/in/x.gz").empty());
}
