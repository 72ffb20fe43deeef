// The MPI-free parts of a distributed run (docs/guides/scale-out.md): the share of each rank, a
// rank's outcome on the wire, the job's statistics from the ranks', and the launcher detection.
#include "dist/combine.hpp"
#include "dist/job_stats.hpp"
#include "dist/launch.hpp"
#include "dist/rank_outcome_wire.hpp"
#include "runtime/executor.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

using loom::dist::RankOutcome;

TEST_CASE("the ranks of a task cover exactly that task's shards, in order") {
  using loom::runtime::rank_share;
  using loom::runtime::task_share;
  for (std::size_t n : {0u, 1u, 4u, 7u, 100u}) {
    for (int tasks : {1, 2, 3}) {
      for (int task = 0; task < tasks; ++task) {
        for (int ranks : {1, 2, 3, 5}) {
          const auto [begin, end] = task_share(n, task, tasks);
          std::size_t covered = begin;
          for (int r = 0; r < ranks; ++r) {
            const auto [b, e] = rank_share(n, task, tasks, r, ranks);
            CHECK(b == covered);
            CHECK(e >= b);
            covered = e;
          }
          CHECK(covered == end);
        }
      }
    }
  }
  // 10 shards, task 1 of 3 is [3, 6): its two ranks get [3, 4) and [4, 6).
  CHECK(rank_share(10, 1, 3, 0, 2) == std::pair<std::size_t, std::size_t>{3, 4});
  CHECK(rank_share(10, 1, 3, 1, 2) == std::pair<std::size_t, std::size_t>{4, 6});
}

namespace {

RankOutcome sample_rank(const std::string& host, std::uint64_t docs, double busy) {
  RankOutcome r;
  r.host = host;
  r.stats.graph = "g.yaml";
  r.stats.threads = 2;
  r.stats.shards_total = 2;
  r.stats.shards_done = 2;
  r.stats.docs_read = docs;
  r.stats.bytes_read = docs * 10;
  r.stats.wall_seconds = busy * 2;
  loom::NodeStats n;
  n.id = "f";
  n.component = "length_filter";
  n.kind = "filter";
  n.batches = 3;
  n.docs_in = docs;
  n.docs_kept = docs - 1;
  n.docs_dropped = 1;
  n.dropped_by_reason["short"] = 1;
  n.bytes_in = docs * 10;
  n.busy_seconds = busy;
  n.inputs = {"read"};
  loom::MetaFieldSample m;
  m.field = "score";
  m.count_kept = 2;
  m.min = busy;
  m.max = busy + 1;
  m.sum = 2 * busy + 1;
  m.sample_kept = {busy, busy + 1};
  n.meta_fields.push_back(m);
  r.stats.nodes.push_back(n);
  loom::TimelinePoint p;
  p.seconds = busy;
  p.docs_read = docs;
  p.docs_out = {docs - 1};
  r.stats.timeline.push_back(p);
  loom::Diagnostic d;
  d.file = "g.yaml";
  d.mark = {3, 5};
  d.message = "node 'f' failed on 'x.gz' record 2: bad";
  d.notes = {"a note"};
  r.diagnostics.push_back(d);
  r.exit_code = 1;
  return r;
}

}  // namespace

TEST_CASE("a rank's outcome survives the wire unchanged") {
  RankOutcome sent = sample_rank("node-7", 50, 1.5);
  sent.stopped_by_peer = true;
  sent.bytes_exchanged = 123456789012ULL;
  const RankOutcome got = loom::dist::decode_rank_outcome(loom::dist::encode_rank_outcome(sent));
  CHECK(got.host == "node-7");
  CHECK(got.exit_code == 1);
  CHECK(got.stopped_by_peer);
  CHECK(got.bytes_exchanged == 123456789012ULL);
  CHECK(loom::stats_to_json(got.stats) == loom::stats_to_json(sent.stats));
  REQUIRE(got.stats.nodes.size() == 1);
  REQUIRE(got.stats.nodes[0].meta_fields.size() == 1);
  CHECK(got.stats.nodes[0].meta_fields[0].sample_kept == std::vector<double>{1.5, 2.5});
  CHECK(got.stats.nodes[0].inputs == std::vector<std::string>{"read"});
  REQUIRE(got.stats.timeline.size() == 1);
  CHECK(got.stats.timeline[0].docs_out == std::vector<std::uint64_t>{49});
  REQUIRE(got.diagnostics.size() == 1);
  CHECK(got.diagnostics[0].message == sent.diagnostics[0].message);
  CHECK(got.diagnostics[0].mark.line == 3);
  CHECK(got.diagnostics[0].mark.column == 5);
  CHECK(got.diagnostics[0].notes == sent.diagnostics[0].notes);
}

TEST_CASE("truncated or padded outcome bytes are refused, not misread") {
  const std::string bytes = loom::dist::encode_rank_outcome(sample_rank("h", 5, 1));
  CHECK_THROWS_AS(loom::dist::decode_rank_outcome(bytes.substr(0, bytes.size() - 1)),
                  std::runtime_error);
  CHECK_THROWS_AS(loom::dist::decode_rank_outcome(bytes + "x"), std::runtime_error);
  CHECK_THROWS_AS(loom::dist::decode_rank_outcome(std::string(12, '\xff')), std::runtime_error);
}

TEST_CASE("the job's statistics add the ranks' counters up and list each rank") {
  RankOutcome b = sample_rank("b", 30, 2.0);
  b.bytes_exchanged = 4096;
  const loom::RunStats job = loom::dist::merge_rank_stats({sample_rank("a", 50, 1.0), b});
  CHECK(job.docs_read == 80);
  CHECK(job.bytes_read == 800);
  CHECK(job.shards_done == 4);
  CHECK(job.wall_seconds == 4.0);  // the slowest rank's
  REQUIRE(job.nodes.size() == 1);
  const loom::NodeStats& n = job.nodes[0];
  CHECK(n.batches == 6);
  CHECK(n.docs_in == 80);
  CHECK(n.docs_kept == 78);
  CHECK(n.dropped_by_reason.at("short") == 2);
  CHECK(n.busy_seconds == 3.0);
  REQUIRE(n.meta_fields.size() == 1);
  CHECK(n.meta_fields[0].count_kept == 4);
  CHECK(n.meta_fields[0].min == 1.0);
  CHECK(n.meta_fields[0].max == 3.0);
  CHECK(n.meta_fields[0].sample_kept.size() == 4);
  REQUIRE(job.ranks.size() == 2);
  CHECK(job.ranks[1].rank == 1);
  CHECK(job.ranks[1].host == "b");
  CHECK(job.ranks[1].docs_read == 30);
  CHECK(job.ranks[1].status == "failed");
  CHECK(job.ranks[1].bytes_exchanged == 4096);
  CHECK(job.ranks[0].bytes_exchanged == 0);
  // Timeline on the longest rank's grid (t = 2): rank a's point at t = 1 counts too.
  REQUIRE(job.timeline.size() == 1);
  CHECK(job.timeline[0].docs_read == 80);
  CHECK(job.timeline[0].docs_out == std::vector<std::uint64_t>{78});
}

TEST_CASE("a launcher is recognized by its environment alone") {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMIX_SIZE",
                           "PMI_RANK", "PMI_SIZE"})
    ::unsetenv(name);
  CHECK_FALSE(loom::dist::detect_launch().has_value());
  ::setenv("PMIX_RANK", "2", 1);
  auto launch = loom::dist::detect_launch();
  REQUIRE(launch.has_value());
  CHECK(launch->evidence == "PMIX_RANK=2");
  CHECK(launch->rank == 2);
  CHECK(launch->size == 0);  // PMIX_SIZE unset: not said
  ::setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
  ::setenv("OMPI_COMM_WORLD_RANK", "1", 1);
  launch = loom::dist::detect_launch();
  REQUIRE(launch.has_value());
  CHECK(launch->evidence == "OMPI_COMM_WORLD_SIZE=3");
  CHECK(launch->size == 3);
  CHECK(launch->rank == 1);
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK", "PMIX_RANK"})
    ::unsetenv(name);
}

namespace {

// Rank 0 of a job whose other ranks' outcomes are given: the collectives without MPI.
class FakeRoot final : public loom::dist::Job {
 public:
  explicit FakeRoot(std::vector<RankOutcome> others) : others_(std::move(others)) {}
  int rank() const override { return 0; }
  int size() const override { return static_cast<int>(others_.size()) + 1; }
  const std::string& host() const override { return host_; }
  void watch_for_stop(std::atomic<bool>&) override {}
  bool end_stop_watch(bool) override { return false; }
  int max_over_ranks(int value) override {
    for (const RankOutcome& r : others_) value = std::max(value, r.exit_code);
    return value;
  }
  std::vector<std::string> gather_at_root(const std::string& bytes) override {
    std::vector<std::string> parts{bytes};
    for (const RankOutcome& r : others_) parts.push_back(loom::dist::encode_rank_outcome(r));
    return parts;
  }
  bool begin_key_exchange(bool) override { return false; }
  std::vector<std::string> all_to_all(const std::vector<std::string>&) override {
    throw std::logic_error("no key exchange in this test");
  }
  std::uint64_t bytes_exchanged() const override { return 0; }

 private:
  std::vector<RankOutcome> others_;
  std::string host_ = "h0";
};

loom::Diagnostic error(const std::string& message) {
  loom::Diagnostic d;
  d.message = message;
  return d;
}

}  // namespace

TEST_CASE("rank 0 prints each diagnostic once, naming the ranks when not all had it") {
  RankOutcome failed;
  failed.host = "h1";
  failed.exit_code = loom::exit_runtime_error;
  failed.diagnostics = {error("node 'read' failed on 'b.gz': truncated"), error("same everywhere")};
  RankOutcome stopped;
  stopped.host = "h2";
  stopped.exit_code = loom::exit_runtime_error;
  stopped.stopped_by_peer = true;
  stopped.diagnostics = {error("node 'read' (jsonl_source, libloom_io.so) was interrupted"),
                         error("same everywhere")};
  FakeRoot job({failed, stopped});
  loom::RunResult result;
  result.diagnostics = {error("same everywhere")};
  loom::dist::combine_ranks(job, result);
  CHECK(result.exit_code == loom::exit_runtime_error);
  REQUIRE(result.diagnostics.size() == 2);
  CHECK(result.diagnostics[0].message == "same everywhere");
  CHECK(result.diagnostics[0].notes.empty());
  CHECK(result.diagnostics[1].message == "node 'read' failed on 'b.gz': truncated");
  CHECK(result.diagnostics[1].notes ==
        std::vector<std::string>{"reported by rank 1 (h1) of 3 ranks"});
  REQUIRE(result.stats.ranks.size() == 3);
  CHECK(result.stats.ranks[0].status == "succeeded");
  CHECK(result.stats.ranks[1].status == "failed");
  CHECK(result.stats.ranks[2].status == "stopped");
}

TEST_CASE("a stopped rank's own error still shows, and its interruption when nothing else does") {
  RankOutcome stopped;
  stopped.host = "h1";
  stopped.exit_code = loom::exit_runtime_error;
  stopped.stopped_by_peer = true;
  stopped.diagnostics = {error("node 'read' (jsonl_source, libloom_io.so) was interrupted")};
  FakeRoot alone({stopped});
  loom::RunResult result;
  loom::dist::combine_ranks(alone, result);
  REQUIRE(result.diagnostics.size() == 1);  // no other cause known: the interruption is it
  CHECK(result.diagnostics[0].message.find("was interrupted") != std::string::npos);

  stopped.diagnostics.push_back(error("node 'f' failed on 'c.gz': its own error"));
  FakeRoot raced({stopped});
  loom::RunResult second;
  loom::dist::combine_ranks(raced, second);
  REQUIRE(second.diagnostics.size() == 1);
  CHECK(second.diagnostics[0].message == "node 'f' failed on 'c.gz': its own error");
}
