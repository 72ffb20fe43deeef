#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

struct Tree {
  ScratchDir scratch;
  std::string root = scratch.path().string();
  Tree() {
    for (const char* file : {"a.json.gz", "b.json.gz", "B.json.gz", "_c.json.gz", "notes.txt",
                             ".hidden.json.gz", "sub/c.json.gz", "sub/deep/d.json.gz",
                             "sub/deep/e.txt", "sub2/f.json.gz", ".git/g.json.gz"}) {
      write_file(scratch.file(file), file);
    }
    // A folder whose name matches a file pattern is not a file.
    std::filesystem::create_directories(scratch.file("folder.json.gz"));
  }
  std::string at(const std::string& relative) const { return root + "/" + relative; }
};

}  // namespace

TEST_CASE("a star matches within one folder, sorted by bytes, files only, hidden skipped") {
  Tree tree;
  CHECK(expand_paths(tree.at("*.json.gz")) ==
        std::vector<std::string>{tree.at("B.json.gz"), tree.at("_c.json.gz"), tree.at("a.json.gz"),
                                 tree.at("b.json.gz")});
}

TEST_CASE("double star matches any depth, including none") {
  Tree tree;
  CHECK(expand_paths(tree.at("**/*.json.gz")) ==
        std::vector<std::string>{tree.at("B.json.gz"), tree.at("_c.json.gz"), tree.at("a.json.gz"),
                                 tree.at("b.json.gz"), tree.at("sub/c.json.gz"),
                                 tree.at("sub/deep/d.json.gz"), tree.at("sub2/f.json.gz")});
  CHECK(expand_paths(tree.at("sub/**/*.txt")) ==
        std::vector<std::string>{tree.at("sub/deep/e.txt")});
  CHECK(expand_paths(tree.at("**/deep/*")) ==
        std::vector<std::string>{tree.at("sub/deep/d.json.gz"), tree.at("sub/deep/e.txt")});
}

TEST_CASE("a trailing double star lists every file below") {
  Tree tree;
  CHECK(expand_paths(tree.at("sub/**")) == std::vector<std::string>{tree.at("sub/c.json.gz"),
                                                                    tree.at("sub/deep/d.json.gz"),
                                                                    tree.at("sub/deep/e.txt")});
}

TEST_CASE("question marks, brackets and wildcard folders") {
  Tree tree;
  CHECK(expand_paths(tree.at("s?b/[cd].json.gz")) ==
        std::vector<std::string>{tree.at("sub/c.json.gz")});
  CHECK(expand_paths(tree.at("sub*/*.json.gz")) ==
        std::vector<std::string>{tree.at("sub/c.json.gz"), tree.at("sub2/f.json.gz")});
  CHECK(expand_paths(tree.at("[ab].json.gz")) ==
        std::vector<std::string>{tree.at("a.json.gz"), tree.at("b.json.gz")});
}

TEST_CASE("repeated double stars do not produce duplicates") {
  Tree tree;
  CHECK(expand_paths(tree.at("**/**/c.json.gz")) ==
        std::vector<std::string>{tree.at("sub/c.json.gz")});
}

TEST_CASE("an explicit dot pattern matches hidden names") {
  Tree tree;
  CHECK(expand_paths(tree.at(".h*")) == std::vector<std::string>{tree.at(".hidden.json.gz")});
}

TEST_CASE("literal paths and URLs pass through") {
  Tree tree;
  CHECK(expand_paths(tree.at("notes.txt")) == std::vector<std::string>{tree.at("notes.txt")});
  CHECK(expand_paths("https://data.example.org/c4/*.json.gz") ==
        std::vector<std::string>{"https://data.example.org/c4/*.json.gz"});
}

TEST_CASE("nothing matched names the pattern") {
  Tree tree;
  const std::string pattern = tree.at("*.parquet");
  const std::string message = io_error_message([&] { expand_paths(pattern); });
  CHECK(message.find(pattern) != std::string::npos);
  CHECK(message.find("no files match") != std::string::npos);
}

TEST_CASE("a missing parent folder is named") {
  Tree tree;
  const std::string pattern = tree.at("missing/deeper/*.json.gz");
  const std::string message = io_error_message([&] { expand_paths(pattern); });
  CHECK(message.find(pattern) != std::string::npos);
  CHECK(message.find("'" + tree.at("missing") + "' does not exist") != std::string::npos);

  const std::string literal = tree.at("missing/file.json.gz");
  const std::string literal_message = io_error_message([&] { expand_paths(literal); });
  CHECK(literal_message.find(literal) != std::string::npos);
  CHECK(literal_message.find("'" + tree.at("missing") + "' does not exist") != std::string::npos);
}

TEST_CASE("a folder given as an input is refused with a hint") {
  Tree tree;
  const std::string message = io_error_message([&] { expand_paths(tree.at("sub")); });
  CHECK(message.find("is a folder") != std::string::npos);
  CHECK(message.find("**") != std::string::npos);
}
