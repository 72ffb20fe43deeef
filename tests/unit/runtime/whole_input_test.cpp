// Stages that see their whole input first (LOOM_FLAG_WHOLE_INPUT): observe() gets every batch
// before process() gets any, process() then gets the same batches in the same order, whatever the
// thread count, whether the batches stayed in memory or were spilled to disk; the spill folder is
// gone after success, failure and interruption. Sinks are told when each shard is complete
// (end_shard), also behind such a stage.
#include "plugin/registry.hpp"
#include "runtime/executor.hpp"
#include "validate/bound_graph.hpp"

#include <doctest/doctest.h>
#include <loom/plugin.hpp>
#include <loom/testing/files.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::mutex sink_mutex;
std::vector<std::string> sink_lines;  // "text|meta..." per document, in arrival order
std::atomic<bool> stop_requested{false};
std::atomic<bool> interrupt_in_replay{false};  // Rank's process() raises `replay_interrupt`
std::atomic<bool> replay_interrupt{false};
std::atomic<bool> saw_spill_folder{false};
std::atomic<int> shard_opens{0};  // Numbers::open calls, both readings
fs::path watched_spill_parent;

struct NumbersOptions {
  std::int64_t shards = 3;
  std::int64_t docs_per_shard = 200;
  std::int64_t docs_per_batch = 7;
  std::int64_t fail_at = -1;
  bool empty_last_read = false;
  static constexpr auto fields = std::make_tuple(
      loom::field("shards", &NumbersOptions::shards, "number of shards").min(0),
      loom::field("docs_per_shard", &NumbersOptions::docs_per_shard, "documents per shard"),
      loom::field("docs_per_batch", &NumbersOptions::docs_per_batch, "documents per read()"),
      loom::field("fail_at", &NumbersOptions::fail_at, "this number's text is 'fail'"),
      loom::field("empty_last_read", &NumbersOptions::empty_last_read,
                  "a shard's end comes with an empty read, not with its last documents"));
};

// The numbers 0..shards*docs_per_shard-1 as texts (padded, so batches have some weight).
class Numbers : public loom::Source {
 public:
  static constexpr const char* name = "wi_numbers";
  static constexpr const char* summary = "numbers as documents";
  using Options = NumbersOptions;
  explicit Numbers(const Options& o) : o_(o) {}
  std::vector<std::string> shards() override {
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < o_.shards; ++i) out.push_back("shard-" + std::to_string(i));
    return out;
  }
  std::unique_ptr<loom::ShardReader> open(std::string_view, std::uint64_t index) override {
    ++shard_opens;
    return std::make_unique<Reader>(o_, index);
  }

 private:
  class Reader : public loom::ShardReader {
   public:
    Reader(const Options& o, std::uint64_t index)
        : o_(o), first_(static_cast<std::int64_t>(index) * o.docs_per_shard), next_(first_) {}
    bool read(loom::Batch& batch, std::size_t) override {
      const std::int64_t end = first_ + o_.docs_per_shard;
      if (next_ >= end) return true;
      for (std::int64_t k = 0; k < o_.docs_per_batch && next_ < end; ++k, ++next_) {
        loom::Doc doc = batch.append();
        doc.set_text(next_ == o_.fail_at ? std::string("fail")
                                         : std::to_string(next_) + std::string(100, ' '));
        doc.set_meta("n", next_);
        doc.set_meta("half", static_cast<double>(next_) / 2);
        doc.set_meta("even", next_ % 2 == 0);
        doc.set_meta("label", "number " + std::to_string(next_));
        doc.set_meta("list", loom::Value::json("[" + std::to_string(next_) + "]"));
        doc.set_meta("nothing", loom::Value::null());
      }
      return !o_.empty_last_read && next_ >= end;
    }

   private:
    Options o_;
    std::int64_t first_;
    std::int64_t next_;
  };
  Options o_;
};

// Sets `total` (documents observed before the first process() call) and `rank` (position in
// process order); drops multiples of 5. Refuses to observe a text starting with "fail".
class Rank : public loom::Deduper {
 public:
  static constexpr const char* name = "wi_rank";
  static constexpr const char* summary = "ranks documents against the whole input";
  static constexpr std::uint32_t flags = loom::order_sensitive | loom::whole_input;
  using Options = loom::NoOptions;
  explicit Rank(const Options&) {}
  void observe(const loom::Batch& batch) override {
    if (processing_) throw loom::Error("observe() after process()", LOOM_ERR_INTERNAL);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (std::string(batch[i].text()).find("fail") == 0)
        throw loom::Error("cannot observe this", LOOM_ERR_INVALID_INPUT,
                          static_cast<std::int64_t>(i));
      ++observed_;
    }
  }
  void process(loom::Batch& batch) override {
    processing_ = true;
    if (interrupt_in_replay.load()) replay_interrupt = true;
    if (!watched_spill_parent.empty() && fs::exists(watched_spill_parent))
      for (const auto& entry : fs::directory_iterator(watched_spill_parent))
        if (entry.path().filename().string().rfind("loom-spill-", 0) == 0) saw_spill_folder = true;
    for (loom::Doc doc : batch) {
      doc.set_meta("total", observed_);
      doc.set_meta("rank", rank_++);
      if (std::stol(std::string(doc.text())) % 5 == 0) doc.drop("fifth");
    }
    if (stop_requested.load()) throw loom::Error("stop", LOOM_ERR_INTERNAL);
  }

 private:
  std::int64_t observed_ = 0;
  std::int64_t rank_ = 0;
  bool processing_ = false;
};

// Stateless: marks each document and drops multiples of 7 (so the stage after it sees less).
class Tag : public loom::Filter {
 public:
  static constexpr const char* name = "wi_tag";
  static constexpr const char* summary = "tags documents, drops multiples of 7";
  static constexpr loom::Declared drop_reasons[] = {{"seventh", "a multiple of 7"}};
  using Options = loom::NoOptions;
  explicit Tag(const Options&) {}
  void process(loom::Batch& batch) override {
    for (loom::Doc doc : batch) {
      doc.set_meta("tagged", true);
      if (std::stol(std::string(doc.text())) % 7 == 0) doc.drop("seventh");
    }
  }
};

// Order-sensitive, not whole-input: numbers the documents in arrival order.
class Running : public loom::Deduper {
 public:
  static constexpr const char* name = "wi_running";
  static constexpr const char* summary = "numbers documents in order";
  static constexpr std::uint32_t flags = loom::order_sensitive;
  using Options = loom::NoOptions;
  explicit Running(const Options&) {}
  void process(loom::Batch& batch) override {
    for (loom::Doc doc : batch) doc.set_meta("running", next_++);
  }

 private:
  std::int64_t next_ = 0;
};

class Collect : public loom::Sink {
 public:
  static constexpr const char* name = "wi_collect";
  static constexpr const char* summary = "collects documents in memory";
  using Options = loom::NoOptions;
  explicit Collect(const Options&) {}
  void write(loom::Batch& batch, std::unique_ptr<loom::SinkToken>) override {
    std::lock_guard lock(sink_mutex);
    for (loom::Doc doc : batch) {
      std::string line(doc.text().substr(0, doc.text().find(' ')));
      doc.for_each_meta([&](std::string_view key, const loom::Value& v) {
        line += "|" + std::string(key) + "=";
        switch (v.type) {
          case LOOM_VALUE_INT: line += std::to_string(v.i); break;
          case LOOM_VALUE_FLOAT: line += std::to_string(v.f); break;
          case LOOM_VALUE_BOOL: line += v.b ? "true" : "false"; break;
          case LOOM_VALUE_NULL: line += "null"; break;
          default: line += std::string(v.s); break;
        }
      });
      sink_lines.push_back(std::move(line));
    }
  }
};

// Records each document's number and, when told a shard is complete (end_shard, ABI 1.3),
// "end <shard index>".
class ShardEnds : public loom::Sink {
 public:
  static constexpr const char* name = "wi_shard_ends";
  static constexpr const char* summary = "records documents and shard ends in order";
  using Options = loom::NoOptions;
  explicit ShardEnds(const Options&) {}
  void write(loom::Batch& batch, std::unique_ptr<loom::SinkToken>) override {
    std::lock_guard lock(sink_mutex);
    for (loom::Doc doc : batch) sink_lines.emplace_back(doc.text().substr(0, doc.text().find(' ')));
  }
  void end_shard(std::uint64_t shard_index) {
    std::lock_guard lock(sink_mutex);
    sink_lines.push_back("end " + std::to_string(shard_index));
  }
};

struct Result {
  bool ok = false;
  std::vector<loom::Diagnostic> diagnostics;
  loom::RunStats stats;
  std::vector<std::string> lines;
};

loom::Registry& registry() {
  static loom::Registry instance;
  static const loom::detail::PluginDescriptor<Numbers, Rank, Tag, Running, Collect, ShardEnds>
      plugin("whole_input_test", "1.0", "Apache-2.0");
  static bool added = false;
  if (!added) {
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(instance.add_plugin(&plugin.plugin, "libloom_whole_input_test.so", diagnostics));
    added = true;
  }
  return instance;
}

enum class SecondPass { spool, reread };

// `second_pass`: spool makes every whole-input stage keep its input (the spool is what most
// tests here look at); reread lets those that can read their source again.
Result run(const std::string& yaml, int threads, std::size_t budget_bytes,
           const fs::path& spill_dir, const std::atomic<bool>* interrupt = nullptr,
           SecondPass second_pass = SecondPass::spool) {
  {
    std::lock_guard lock(sink_mutex);
    sink_lines.clear();
  }
  saw_spill_folder = false;
  watched_spill_parent = spill_dir;
  Result result;
  loom::GraphSpec spec = loom::load_graph_text("test.yaml", yaml, {}, result.diagnostics);
  REQUIRE_FALSE(loom::has_errors(result.diagnostics));
  loom::BoundGraph bound = loom::validate_graph(spec, registry(), result.diagnostics);
  REQUIRE_FALSE(loom::has_errors(result.diagnostics));
  loom::runtime::ExecutionSettings settings;
  settings.threads = threads;
  settings.max_batches_in_flight = 4;
  settings.buffer_memory_bytes = budget_bytes;
  settings.spill_dir = spill_dir.string();
  settings.interrupt = interrupt;
  settings.reread_sources = second_pass == SecondPass::reread;
  result.ok = loom::runtime::execute(bound, settings, result.stats, result.diagnostics);
  std::lock_guard lock(sink_mutex);
  result.lines = sink_lines;
  return result;
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

const char* const kGraph = R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 3, docs_per_shard: 200 } }
dedupers:
  rank: { type: wi_rank, inputs: [numbers] }
sinks:
  out: { type: wi_collect, inputs: [rank] }
)";

// kGraph's numbers through a stateless filter that drops some documents before the ranking.
const char* const kGraphThroughTag = R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 3, docs_per_shard: 200 } }
filters:
  tag: { type: wi_tag, inputs: [numbers] }
dedupers:
  rank: { type: wi_rank, inputs: [tag] }
sinks:
  out: { type: wi_collect, inputs: [rank] }
)";
constexpr std::size_t kPlenty = std::size_t{1} << 30;

}  // namespace

TEST_CASE("whole input: process() starts after observe() has seen every batch, in order") {
  const loom::testing::TempDir spill_dir("whole_input_in_memory");
  const fs::path& spill = spill_dir.path();
  Result r = run(kGraph, 2, kPlenty, spill);
  REQUIRE(r.ok);
  REQUIRE(r.lines.size() == 480);  // 600 minus the multiples of 5
  std::size_t k = 0;
  for (std::int64_t n = 0; n < 600; ++n) {
    if (n % 5 == 0) continue;
    CHECK(r.lines[k].rfind(std::to_string(n) + "|", 0) == 0);
    CHECK(r.lines[k].find("|total=600|rank=" + std::to_string(n)) != std::string::npos);
    ++k;
  }
  CHECK_FALSE(saw_spill_folder.load());
  CHECK(entries(spill) == 0);
  for (const auto& node : r.stats.nodes) {
    if (node.id != "rank") continue;
    CHECK(node.docs_in == 600);
    CHECK(node.docs_kept == 480);
    CHECK(node.dropped_by_reason.at("fifth") == 120);
  }
}

TEST_CASE(
    "whole input: a tiny memory budget spills, and the output is the same at any thread count") {
  const loom::testing::TempDir spill_dir("whole_input_spill");
  const fs::path& spill = spill_dir.path();
  Result reference = run(kGraph, 1, kPlenty, spill);
  REQUIRE(reference.ok);
  for (const int threads : {1, 4}) {
    Result spilled = run(kGraph, threads, 1, spill);
    REQUIRE(spilled.ok);
    CHECK(saw_spill_folder.load());
    CHECK(spilled.lines == reference.lines);  // every meta type survives the round trip
    CHECK(entries(spill) == 0);
    Result partly = run(kGraph, threads, 20000, spill);
    REQUIRE(partly.ok);
    CHECK(partly.lines == reference.lines);
  }
}

TEST_CASE("end_shard: a sink hears of each shard right after its last document, in any graph") {
  const loom::testing::TempDir spill_dir("whole_input_end_shard");
  for (const bool through_rank : {false, true}) {
    std::vector<std::string> expected;
    for (std::int64_t shard = 0; shard < 3; ++shard) {
      for (std::int64_t n = shard * 200; n < (shard + 1) * 200; ++n)
        if (!through_rank || n % 5 != 0) expected.push_back(std::to_string(n));
      expected.push_back("end " + std::to_string(shard));
    }
    for (const char* empty_last_read : {"false", "true"}) {
      const std::string graph =
          std::string(
              "version: 1\nsources:\n  numbers: { type: wi_numbers, with: { shards: 3, "
              "docs_per_shard: 200, docs_per_batch: 8, empty_last_read: ") +
          empty_last_read + " } }\n" +
          (through_rank ? "dedupers:\n  rank: { type: wi_rank, inputs: [numbers] }\n" : "") +
          "sinks:\n  out: { type: wi_shard_ends, inputs: [" + (through_rank ? "rank" : "numbers") +
          "] }\n";
      for (const int threads : {1, 4}) {
        CAPTURE(through_rank);
        CAPTURE(empty_last_read);
        CAPTURE(threads);
        for (const SecondPass pass : {SecondPass::spool, SecondPass::reread}) {
          Result r =
              run(graph, threads, through_rank ? 1 : kPlenty, spill_dir.path(), nullptr, pass);
          REQUIRE(r.ok);
          CHECK(r.lines == expected);
        }
      }
    }
  }
}

TEST_CASE("whole input: two stages in a row, the second sees the first's whole output") {
  const loom::testing::TempDir spill_dir("whole_input_chain");
  const fs::path& spill = spill_dir.path();
  Result r = run(R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 2, docs_per_shard: 100 } }
dedupers:
  first: { type: wi_rank, inputs: [numbers] }
  second: { type: wi_rank, inputs: [first] }
sinks:
  out: { type: wi_collect, inputs: [second] }
)",
                 3, 1, spill);
  REQUIRE(r.ok);
  REQUIRE(r.lines.size() == 160);
  // The second stage's total is the first's output (160), set after the first's total (200).
  CHECK(r.lines.front().find("|total=160|rank=0") != std::string::npos);
  CHECK(r.lines.back().find("|total=160|rank=159") != std::string::npos);
  CHECK(entries(spill) == 0);
}

TEST_CASE("whole input: empty input runs to completion with no output") {
  const loom::testing::TempDir spill_dir("whole_input_empty");
  const fs::path& spill = spill_dir.path();
  Result r = run(R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 0 } }
dedupers:
  rank: { type: wi_rank, inputs: [numbers] }
sinks:
  out: { type: wi_collect, inputs: [rank] }
)",
                 2, 1, spill);
  CHECK(r.ok);
  CHECK(r.lines.empty());
}

TEST_CASE("whole input: errors and interrupts fail the run and leave no spill folder") {
  const loom::testing::TempDir spill_dir("whole_input_errors");
  const fs::path& spill = spill_dir.path();
  SUBCASE("process() fails during the replay") {
    stop_requested = true;
    Result r = run(kGraph, 2, 1, spill);
    stop_requested = false;
    CHECK_FALSE(r.ok);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("node 'rank' (wi_rank") != std::string::npos);
    CHECK(r.diagnostics[0].message.find("stop") != std::string::npos);
  }
  SUBCASE("observe() fails") {
    Result r = run(R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 3, docs_per_shard: 200, fail_at: 321 } }
dedupers:
  rank: { type: wi_rank, inputs: [numbers] }
sinks:
  out: { type: wi_collect, inputs: [rank] }
)",
                   2, 1, spill);
    CHECK_FALSE(r.ok);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("node 'rank' (wi_rank") != std::string::npos);
    CHECK(r.diagnostics[0].message.find("cannot observe this") != std::string::npos);
    CHECK(r.lines.empty());
  }
  SUBCASE("an interrupt during the replay") {
    replay_interrupt = false;
    interrupt_in_replay = true;
    Result r = run(kGraph, 2, 1, spill, &replay_interrupt);
    interrupt_in_replay = false;
    CHECK_FALSE(r.ok);
    CHECK(saw_spill_folder.load());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("was interrupted") != std::string::npos);
  }
  SUBCASE("the spill folder cannot be made") {
    const fs::path not_a_folder = spill / "file";
    {
      std::FILE* f = std::fopen(not_a_folder.c_str(), "w");
      std::fclose(f);
    }
    Result r = run(kGraph, 2, 1, not_a_folder);
    CHECK_FALSE(r.ok);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("could not keep its input") != std::string::npos);
    fs::remove(not_a_folder);
  }
  CHECK(entries(spill) == 0);
}

namespace {

std::string second_pass_of(const Result& r, const std::string& id) {
  for (const auto& node : r.stats.nodes)
    if (node.id == id) return node.second_pass;
  return "(no node " + id + ")";
}

const loom::NodeStats* node_stats(const Result& r, const std::string& id) {
  for (const auto& node : r.stats.nodes)
    if (node.id == id) return &node;
  return nullptr;
}

}  // namespace

TEST_CASE("whole input: rereading the source gives the spool's output and keeps nothing") {
  const loom::testing::TempDir spill_dir("whole_input_reread");
  const fs::path& spill = spill_dir.path();
  // Straight from the source, and through a stateless filter that drops some documents.
  for (const std::string& graph : {std::string(kGraph), std::string(kGraphThroughTag)}) {
    const Result spooled = run(graph, 1, 1, spill);
    REQUIRE(spooled.ok);
    CHECK(second_pass_of(spooled, "rank") == "spool");
    REQUIRE_FALSE(spooled.lines.empty());
    for (const int threads : {1, 2}) {
      CAPTURE(graph);
      CAPTURE(threads);
      // A budget of one byte: a spooling stage would spill every batch.
      Result reread = run(graph, threads, 1, spill, nullptr, SecondPass::reread);
      REQUIRE(reread.ok);
      CHECK(second_pass_of(reread, "rank") == "reread");
      CHECK(second_pass_of(reread, "out").empty());
      CHECK(reread.lines == spooled.lines);
      CHECK_FALSE(saw_spill_folder.load());
      // Each node counts its input once, as with the spool.
      for (const char* id : {"numbers", "tag", "rank", "out"}) {
        const loom::NodeStats* a = node_stats(spooled, id);
        const loom::NodeStats* b = node_stats(reread, id);
        if (a == nullptr) continue;
        REQUIRE(b != nullptr);
        CHECK(a->docs_in == b->docs_in);
        CHECK(a->docs_kept == b->docs_kept);
        CHECK(a->batches == b->batches);
      }
      CHECK(reread.stats.docs_read == spooled.stats.docs_read);
      CHECK(reread.stats.shards_done == 3);
    }
  }
  CHECK(entries(spill) == 0);
}

TEST_CASE("whole input: a rereading stage keeps the first shards that fit, rereads the rest") {
  const loom::testing::TempDir spill_dir("whole_input_kept");
  const fs::path& spill = spill_dir.path();
  constexpr std::uint64_t kBatchesPerShard = 29;  // 200 documents, 7 a batch
  for (const std::string& graph : {std::string(kGraph), std::string(kGraphThroughTag)}) {
    const Result spooled = run(graph, 1, kPlenty, spill);
    REQUIRE(spooled.ok);
    std::vector<std::uint64_t> kept_counts;
    // The rereading stage keeps up to a sixteenth of the budget: from nothing to everything.
    for (std::size_t kept_budget = 1024; kept_budget <= (std::size_t{1} << 20); kept_budget *= 2) {
      for (const int threads : {1, 2}) {
        CAPTURE(graph);
        CAPTURE(kept_budget);
        CAPTURE(threads);
        shard_opens = 0;
        Result r = run(graph, threads, 16 * kept_budget, spill, nullptr, SecondPass::reread);
        REQUIRE(r.ok);
        CHECK(second_pass_of(r, "rank") == "reread");
        CHECK(r.lines == spooled.lines);
        const loom::NodeStats* rank = node_stats(r, "rank");
        REQUIRE(rank != nullptr);
        const std::uint64_t kept = rank->second_pass_kept_batches;
        // Whole shards only; the source reopens just the shards not kept.
        CHECK(kept % kBatchesPerShard == 0);
        const auto shards_kept = static_cast<int>(kept / kBatchesPerShard);
        CHECK(shard_opens.load() == 3 + (3 - shards_kept));
        CHECK(rank->docs_in == node_stats(spooled, "rank")->docs_in);
        CHECK(rank->batches == node_stats(spooled, "rank")->batches);
        CHECK(r.stats.shards_done == 3);
        CHECK_FALSE(saw_spill_folder.load());
        kept_counts.push_back(kept);
      }
    }
    // The sweep went from keeping nothing, through a mix, to keeping everything.
    CHECK(kept_counts.front() == 0);
    CHECK(kept_counts.back() == 3 * kBatchesPerShard);
    CHECK(std::any_of(kept_counts.begin(), kept_counts.end(),
                      [&](std::uint64_t k) { return k > 0 && k < 3 * kBatchesPerShard; }));
  }
  CHECK(entries(spill) == 0);
}

TEST_CASE("whole input: a stage after an order-sensitive or whole-input one spools") {
  const loom::testing::TempDir spill_dir("whole_input_reread_fallback");
  const fs::path& spill = spill_dir.path();
  SUBCASE("an order-sensitive stage upstream") {
    const char* graph = R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 2, docs_per_shard: 100 } }
dedupers:
  running: { type: wi_running, inputs: [numbers] }
  rank: { type: wi_rank, inputs: [running] }
sinks:
  out: { type: wi_collect, inputs: [rank] }
)";
    const Result spooled = run(graph, 2, 1, spill);
    Result r = run(graph, 2, 1, spill, nullptr, SecondPass::reread);
    REQUIRE(r.ok);
    CHECK(second_pass_of(r, "rank") == "spool");
    CHECK(saw_spill_folder.load());
    CHECK(r.lines == spooled.lines);
    REQUIRE(r.lines.size() == 160);
    CHECK(r.lines.front().find("|running=1|total=200|rank=1") != std::string::npos);
  }
  SUBCASE("a whole-input stage upstream: the first rereads, the second spools") {
    Result r = run(R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 2, docs_per_shard: 100 } }
dedupers:
  first: { type: wi_rank, inputs: [numbers] }
  second: { type: wi_rank, inputs: [first] }
sinks:
  out: { type: wi_collect, inputs: [second] }
)",
                   2, 1, spill, nullptr, SecondPass::reread);
    REQUIRE(r.ok);
    CHECK(second_pass_of(r, "first") == "reread");
    CHECK(second_pass_of(r, "second") == "spool");
    REQUIRE(r.lines.size() == 160);
    CHECK(r.lines.back().find("|total=160|rank=159") != std::string::npos);
  }
  SUBCASE("two stages on one source: the first rereads it, the second spools") {
    Result r = run(R"(
version: 1
sources:
  numbers: { type: wi_numbers, with: { shards: 2, docs_per_shard: 100 } }
dedupers:
  a: { type: wi_rank, inputs: [numbers] }
  b: { type: wi_rank, inputs: [numbers] }
sinks:
  out_a: { type: wi_collect, inputs: [a] }
  out_b: { type: wi_collect, inputs: [b] }
)",
                   2, kPlenty, spill, nullptr, SecondPass::reread);
    REQUIRE(r.ok);
    CHECK(second_pass_of(r, "a") == "reread");
    CHECK(second_pass_of(r, "b") == "spool");
    CHECK(r.lines.size() == 320);
  }
  CHECK(entries(spill) == 0);
}

TEST_CASE("whole input: a failure while rereading names the node and leaves nothing") {
  const loom::testing::TempDir spill_dir("whole_input_reread_errors");
  const fs::path& spill = spill_dir.path();
  SUBCASE("process() fails during the second pass") {
    stop_requested = true;
    Result r = run(kGraph, 2, 1, spill, nullptr, SecondPass::reread);
    stop_requested = false;
    CHECK_FALSE(r.ok);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("node 'rank' (wi_rank") != std::string::npos);
  }
  SUBCASE("an interrupt during the second pass") {
    replay_interrupt = false;
    interrupt_in_replay = true;
    Result r = run(kGraph, 2, 1, spill, &replay_interrupt, SecondPass::reread);
    interrupt_in_replay = false;
    CHECK_FALSE(r.ok);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("was interrupted") != std::string::npos);
  }
  CHECK(entries(spill) == 0);
}
