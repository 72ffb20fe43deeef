#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <loom/testing/harness.hpp>
#include <map>
#include <string>

#include "github_test_support.hpp"

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(LOOM_BINARY_DIR) / "tests" / "plugin_github_scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

const char* const mit_text =
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining\na copy";

}  // namespace

TEST_CASE("github_source reads BigQuery export rows, and skips (not fails on) null content") {
  const fs::path root = fresh_dir("bigquery");
  write_file(root / "github" / "part.jsonl",
             "{\"id\": \"1\", \"content\": \"x = 1\\n\", \"binary\": false, \"path\": \"a.py\", "
             "\"symlink_target\": null, \"language\": [{\"name\": \"Python\", \"bytes\": \"5\"}]}\n"
             "{\"id\": \"2\", \"content\": null, \"path\": \"b.bin\"}\n\n");
  Instance source(github_plugin().component("github_source"), {{"root", root.string()}});
  const auto docs = source.read_all();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].text == "x = 1\n");
  CHECK(docs[0].keys() ==
        std::vector<std::string>{"id", "binary", "path", "symlink_target", "language"});
  CHECK(*docs[0].find("language") == MetaValue::json("[{\"name\":\"Python\",\"bytes\":\"5\"}]"));

  write_file(root / "github" / "part.jsonl", "{\"content\": \"ok\"}\n{\"content\": \"x\"\n");
  Instance broken(github_plugin().component("github_source"), {{"root", root.string()}});
  CHECK_THROWS_WITH(broken.read_all(), doctest::Contains("part.jsonl:2: invalid JSON"));
  write_file(root / "github" / "part.jsonl", "{\"path\": \"a\"}\n");
  Instance no_content(github_plugin().component("github_source"), {{"root", root.string()}});
  CHECK_THROWS_WITH(no_content.read_all(), doctest::Contains("no 'content' column"));
}

TEST_CASE("github_source turns repository folders into rows and skips binary and non-UTF-8") {
  const fs::path root = fresh_dir("repositories");
  write_file(root / "owner__tool" / "LICENSE", mit_text);
  write_file(root / "owner__tool" / "src" / "main.c", "int main(void) { return 0; }\n");
  write_file(root / "owner__tool" / "empty.md", "");
  write_file(root / "owner__tool" / "logo.png", std::string("\x89PNG\0\0", 6));
  write_file(root / "owner__tool" / "latin1.txt", "caf\xe9\n");
  write_file(root / "owner__tool" / ".git" / "HEAD", "ref: refs/heads/main\n");
  write_file(root / "plain" / "README.md", "no license here\n");
  Instance source(github_plugin().component("github_source"), {{"root", root.string()}});
  const auto docs = source.read_all();
  std::vector<std::string> paths;
  for (const Document& d : docs) paths.push_back(d.find("repo_name")->s + ":" + d.find("path")->s);
  CHECK(paths == std::vector<std::string>{"owner/tool:LICENSE", "owner/tool:empty.md",
                                          "owner/tool:src/main.c", "plain:README.md"});
  CHECK(*docs[0].find("license") == MetaValue("mit"));
  CHECK(*docs[3].find("license") == MetaValue::null());
  // git hash-object of an empty file
  CHECK(*docs[1].find("id") == MetaValue("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
  CHECK(*docs[2].find("size") == MetaValue("29"));
  CHECK(docs[2].keys() == std::vector<std::string>{"id", "size", "binary", "copies", "repo_name",
                                                   "ref", "path", "mode", "symlink_target",
                                                   "license", "language"});
}

TEST_CASE("github_source detects the licenses the golden input gives the shared corpus repos") {
  const fs::path corpus = fs::path(LOOM_SHARED_DIR) / "corpus" / "github";
  if (!fs::is_directory(corpus)) {
    MESSAGE("SKIPPED: ../shared not found (" << corpus.string() << ")");
    return;
  }
  Instance source(github_plugin().component("github_source"), {{"root", corpus.string()}});
  std::map<std::string, std::string> licenses;
  for (const Document& d : source.read_all())
    licenses[d.find("repo_name")->s] = d.find("license")->s;
  // As recorded in ../shared/golden/github/github_input.jsonl.gz (golden README: license from
  // the folder's LICENSE/COPYING).
  CHECK(licenses == std::map<std::string, std::string>{{"facebookresearch/cc_net", "mit"},
                                                       {"htop-dev/htop", "gpl-2.0"},
                                                       {"npm/jquery", "mit"},
                                                       {"npm/mime-db", "mit"},
                                                       {"npm/tree-sitter-json", "mit"},
                                                       {"rougier/freetype-gl", "bsd-2-clause"}});
}
