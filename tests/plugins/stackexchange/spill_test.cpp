// stackexchange_source in bounded memory: a tiny memory_budget_mb forces many spilled runs (and
// merge passes); the documents must be the same as with the default budget, where nothing spills,
// and no spill file may be left behind after success, an error or a cancelled read.
#include "same_documents.hpp"

#include <doctest/doctest.h>

#include <loom/testing/files.hpp>
#include <loom/testing/harness.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::testing::Document;
using loom::testing::Instance;

namespace {

const loom_component& source() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_stackexchange.so");
  return plugin.component("stackexchange_source");
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it)
    ++n;
  return n;
}

const std::string tiny_budget = "0.002";  // about 1 KB per sort: a run every few posts
// About 25 KB per sort: hundreds of runs for 50k posts, more than one merge can open at once.
const std::string small_budget = "0.05";

std::vector<Document> read(const fs::path& posts, const std::string& budget_mb,
                           const fs::path& spill_dir, const std::string& order = "rp_v1") {
  Instance src(source(), {{"paths", "[" + posts.string() + "]"},
                          {"answer_order", order},
                          {"memory_budget_mb", budget_mb},
                          {"spill_dir", spill_dir.string()}});
  return src.read_all(1 << 14);
}

// A synthetic site, in an order no real dump has: answers before and after their questions,
// orphan answers, questions without answers, untitled posts with and without answers, rows
// without an Id, missing and tied scores, and ids of every length. `expected_urls` gets, in
// document order, the questions that must become documents (titled or answered).
struct Synthetic {
  std::string xml;
  std::vector<std::string> expected_urls;
  std::size_t answers_kept = 0;
};

Synthetic synthetic_site(std::size_t posts) {
  std::mt19937_64 random(20261127);
  const std::size_t questions = posts / 4;
  std::vector<std::string> rows;
  std::vector<std::size_t> answer_count(questions + 1, 0);
  std::vector<bool> titled(questions + 1, false);
  for (std::size_t q = 1; q <= questions; ++q) {
    titled[q] = random() % 10 != 0;
    std::ostringstream row;
    row << "<row Id=\"" << q * 7 << "\" PostTypeId=\"1\"";
    if (random() % 5 != 0) row << " Score=\"" << static_cast<int>(random() % 30) - 5 << "\"";
    if (titled[q]) row << " Title=\"Question " << q << " &amp; more\"";
    row << " Body=\"&lt;p&gt;Body of " << q
        << "&lt;/p&gt;&lt;ol&gt;&lt;li&gt;x&lt;/li&gt;&lt;/ol&gt;\" />";
    rows.push_back(row.str());
  }
  while (rows.size() < posts) {
    std::ostringstream row;
    const std::size_t kind = random() % 20;
    if (kind == 0) {
      row << "<row PostTypeId=\"1\" Title=\"no id\" Body=\"lost\" />";
    } else {
      const bool orphan = kind == 1;
      const std::size_t q = 1 + random() % questions;
      if (!orphan && q % 3 == 0) continue;  // a third of the questions stay unanswered
      row << "<row Id=\"" << 1000000 + rows.size() << "\" PostTypeId=\"2\" ParentId=\""
          << (orphan ? 5 + q * 7 : q * 7) << "\"";
      if (random() % 7 != 0) row << " Score=\"" << static_cast<int>(random() % 12) - 2 << "\"";
      row << " Body=\"&lt;p&gt;answer " << rows.size() << "&lt;/p&gt;\" />";
      if (!orphan) ++answer_count[q];
    }
    rows.push_back(row.str());
  }
  std::shuffle(rows.begin(), rows.end(), random);
  Synthetic site;
  site.xml = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n";
  for (const std::string& row : rows) {
    site.xml += "  " + row + "\n";
    const auto id_at = row.find(" Id=\"");
    if (id_at == std::string::npos || row.find("PostTypeId=\"1\"") == std::string::npos) continue;
    const std::size_t q = std::stoul(row.substr(id_at + 5)) / 7;
    if (!titled[q] && answer_count[q] == 0) continue;
    site.expected_urls.push_back("https://synthetic.example/questions/" + std::to_string(q * 7));
    site.answers_kept += answer_count[q];
  }
  site.xml += "</posts>\n";
  return site;
}

fs::path write(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::size_t count_answers(const std::vector<Document>& docs) {
  std::size_t n = 0;
  for (const Document& d : docs)
    for (auto at = d.text.find("\nA: "); at != std::string::npos; at = d.text.find("\nA: ", at + 1))
      ++n;
  return n;
}

}  // namespace

TEST_CASE("a synthetic site reads the same with a small budget as in memory, in document order") {
  const loom::testing::TempDir scratch("stackexchange_synthetic");
  const fs::path& dir = scratch.path();
  const loom::testing::TempDir spill_dir("stackexchange_synthetic_spill");
  const fs::path& spill = spill_dir.path();
  const Synthetic site = synthetic_site(50000);
  const fs::path posts = write(dir / "synthetic.example.xml", site.xml);
  for (const std::string order : {"rp_v1", "numeric"}) {
    INFO("answer_order " << order);
    const auto in_memory = read(posts, "1024", spill, order);
    std::vector<std::string> urls;
    for (const Document& d : in_memory) urls.push_back(d.find("url")->s);
    CHECK(urls == site.expected_urls);
    CHECK(count_answers(in_memory) == site.answers_kept);
    check_same(in_memory, read(posts, small_budget, spill, order));
    CHECK(entries(spill) == 0);
  }
}

TEST_CASE("a tiny budget spills to spill_dir, the default budget does not touch it") {
  const loom::testing::TempDir scratch("stackexchange_unusable");
  const fs::path& dir = scratch.path();
  const fs::path posts = write(dir / "synthetic.example.xml", synthetic_site(2000).xml);
  const fs::path not_a_folder = write(dir / "plain_file", "x");
  CHECK(read(posts, "1024", not_a_folder).size() > 100);
  CHECK_THROWS_WITH(
      read(posts, tiny_budget, not_a_folder),
      doctest::Contains(("cannot create a spill folder in " + not_a_folder.string()).c_str()));
}

TEST_CASE("the shared corpus sites read the same with a tiny budget as in memory") {
  const fs::path corpus = fs::path(LOOM_SHARED_DIR) / "corpus" / "stackexchange";
  if (!fs::is_directory(corpus)) {
    MESSAGE("SKIPPED: ../shared not found (" << corpus.string() << ")");
    return;
  }
  const loom::testing::TempDir scratch("stackexchange_corpus");
  const fs::path& dir = scratch.path();
  const loom::testing::TempDir spill_dir("stackexchange_corpus_spill");
  const fs::path& spill = spill_dir.path();
  for (const char* site : {"coffee", "meta-site-complete", "history-meta"}) {
    INFO("site " << site);
    // As the parity test reads them: without history-meta's DOCTYPE line.
    std::ifstream in(corpus / site / "Posts.xml", std::ios::binary);
    std::string xml, line;
    while (std::getline(in, line))
      if (line.rfind("<!DOCTYPE posts SYSTEM", 0) != 0) xml += line + "\n";
    const fs::path posts = write(dir / (std::string(site) + ".xml"), xml);
    const auto in_memory = read(posts, "1024", spill);
    CHECK(in_memory.size() > 50);
    check_same(in_memory, read(posts, tiny_budget, spill));
    CHECK(entries(spill) == 0);
  }
}

TEST_CASE(
    "XML cut mid-file after spilling is an error naming the file, and no spill file is left") {
  const loom::testing::TempDir scratch("stackexchange_truncated");
  const fs::path& dir = scratch.path();
  const loom::testing::TempDir spill_dir("stackexchange_truncated_spill");
  const fs::path& spill = spill_dir.path();
  const std::string xml = synthetic_site(5000).xml;
  const fs::path posts = write(dir / "cut.example.xml", xml.substr(0, xml.size() * 3 / 5));
  CHECK_THROWS_WITH(read(posts, tiny_budget, spill), doctest::Contains("cut.example.xml"));
  CHECK(entries(spill) == 0);
}

TEST_CASE("a read abandoned while spilling (a cancelled run) leaves no spill file") {
  namespace lt = loom::testing;
  const loom::testing::TempDir scratch("stackexchange_cancel");
  const fs::path& dir = scratch.path();
  const loom::testing::TempDir spill_dir("stackexchange_cancel_spill");
  const fs::path& spill = spill_dir.path();
  const fs::path posts = write(dir / "synthetic.example.xml", synthetic_site(5000).xml);
  const loom_component& api = source();
  lt::BoundOptions options(api, {{"paths", "[" + posts.string() + "]"},
                                 {"memory_budget_mb", tiny_budget},
                                 {"spill_dir", spill.string()}});
  void* self = nullptr;
  loom_error err = lt::fresh_error();
  lt::check(api.create(&lt::host_table(), options.data(), options.size(), &self, &err), err);
  void* reader = nullptr;
  const std::string shard = posts.string();
  lt::check(api.open_shard(self, loom_str{shard.data(), shard.size()}, 0, &reader, &err), err);
  std::int32_t done = 0;
  for (int call = 0; call < 100 && entries(spill) == 0 && done == 0; ++call) {
    lt::detail::HarnessBatch batch;
    lt::check(api.read(self, reader, reinterpret_cast<loom_batch*>(&batch), 4096, &done, &err),
              err);
  }
  CHECK(done == 0);
  CHECK(entries(spill) > 0);  // spilled runs exist while the site is read
  api.close_shard(self, reader);
  api.destroy(self);
  CHECK(entries(spill) == 0);
}
