// The runtime on in-process components: ordering, determinism across thread counts, bounded
// memory, ports, fan-out and failure reporting.
#include "runtime/executor.hpp"
#include "plugin/registry.hpp"
#include "validate/bound_graph.hpp"

#include <doctest/doctest.h>
#include <loom/plugin.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

// What the test sinks received, by sink name.
std::mutex collected_mutex;
std::map<std::string, std::vector<std::string>> collected;
std::atomic<long> batches_alive{0};
std::atomic<long> max_batches_alive{0};
std::atomic<int> order_violations{0};
std::atomic<int> readers_open{0};              // shard readers opened and not yet closed
std::atomic<int> readers_open_at_destroy{-1};  // readers_open when the source was destroyed

void note_alive(long delta) {
  const long now = batches_alive.fetch_add(delta) + delta;
  long seen = max_batches_alive.load();
  while (now > seen && !max_batches_alive.compare_exchange_weak(seen, now)) {
  }
}

struct CountingOptions {
  std::int64_t shards = 3;
  std::int64_t docs_per_shard = 500;
  std::int64_t docs_per_batch = 16;
  static constexpr auto fields = std::make_tuple(
      loom::field("shards", &CountingOptions::shards, "number of shards").min(0),
      loom::field("docs_per_shard", &CountingOptions::docs_per_shard, "documents per shard"),
      loom::field("docs_per_batch", &CountingOptions::docs_per_batch, "documents per read()"));
};

// Emits the numbers 0..shards*docs_per_shard-1 as document texts, in order.
class CountingSource : public loom::Source {
 public:
  static constexpr const char* name = "test_counting_source";
  static constexpr const char* summary = "numbers as documents";
  using Options = CountingOptions;
  explicit CountingSource(const Options& o) : o_(o) {}
  ~CountingSource() override { readers_open_at_destroy = readers_open.load(); }
  std::vector<std::string> shards() override {
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < o_.shards; ++i) out.push_back("shard-" + std::to_string(i));
    return out;
  }
  std::unique_ptr<loom::ShardReader> open(std::string_view, std::uint64_t index) override {
    return std::make_unique<Reader>(o_, index);
  }

 private:
  class Reader : public loom::ShardReader {
   public:
    Reader(const Options& o, std::uint64_t index)
        : o_(o), next_(static_cast<std::int64_t>(index) * o.docs_per_shard) {
      ++readers_open;
    }
    ~Reader() override { --readers_open; }
    bool read(loom::Batch& batch, std::size_t) override {
      const std::int64_t end = (next_ / o_.docs_per_shard + 1) * o_.docs_per_shard;
      for (std::int64_t k = 0; k < o_.docs_per_batch && next_ < end; ++k, ++next_) {
        loom::Doc doc = batch.append();
        doc.set_text(std::to_string(next_));
        doc.set_meta("n", next_);
        doc.set_origin(static_cast<std::uint64_t>(next_ % o_.docs_per_shard), 0);
      }
      note_alive(1);
      return next_ >= end;
    }

   private:
    Options o_;
    std::int64_t next_;
  };
  Options o_;
};

// Drops odd numbers, sleeping a little at random so batches finish out of order.
class DropOdd : public loom::Filter {
 public:
  static constexpr const char* name = "test_drop_odd";
  static constexpr const char* summary = "drops odd numbers";
  using Options = loom::NoOptions;
  explicit DropOdd(const Options&) {}
  void process(loom::Batch& batch) override {
    thread_local std::mt19937 rng(std::hash<std::thread::id>{}(std::this_thread::get_id()));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300));
    for (loom::Doc doc : batch)
      if (std::stol(std::string(doc.text())) % 2 != 0) doc.drop("odd");
  }
};

// Appends "!" to each text: shows that fan-out copies are independent.
class Shout : public loom::Cleaner {
 public:
  static constexpr const char* name = "test_shout";
  static constexpr const char* summary = "appends !";
  using Options = loom::NoOptions;
  explicit Shout(const Options&) {}
  void process(loom::Batch& batch) override {
    for (loom::Doc doc : batch) doc.set_text(std::string(doc.text()) + "!");
  }
};

// Order-sensitive: counts any number that is not larger than the one before.
class OrderCheck : public loom::Deduper {
 public:
  static constexpr const char* name = "test_order_check";
  static constexpr const char* summary = "checks input order";
  using Options = loom::NoOptions;
  explicit OrderCheck(const Options&) {}
  void process(loom::Batch& batch) override {
    for (loom::Doc doc : batch) {
      const long n = std::stol(std::string(doc.text()));
      if (n <= last_) ++order_violations;
      last_ = n;
    }
  }

 private:
  long last_ = -1;
};

struct FailOptions {
  std::int64_t at = 100;
  static constexpr auto fields =
      std::make_tuple(loom::field("at", &FailOptions::at, "the number to fail on"));
};

class FailAt : public loom::Filter {
 public:
  static constexpr const char* name = "test_fail_at";
  static constexpr const char* summary = "throws on one number";
  using Options = FailOptions;
  explicit FailAt(const Options& o) : o_(o) {}
  void process(loom::Batch& batch) override {
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (std::stol(std::string(batch[i].text())) == o_.at)
        throw loom::Error("number " + std::to_string(o_.at) + " is not allowed",
                          LOOM_ERR_INVALID_INPUT, static_cast<std::int64_t>(i));
  }

 private:
  Options o_;
};

struct CollectOptions {
  std::string into = "out";
  static constexpr auto fields =
      std::make_tuple(loom::field("into", &CollectOptions::into, "collection name"));
};

class CollectSink : public loom::Sink {
 public:
  static constexpr const char* name = "test_collect";
  static constexpr const char* summary = "collects texts in memory";
  using Options = CollectOptions;
  explicit CollectSink(const Options& o) : o_(o) {}
  void write(loom::Batch& batch, std::unique_ptr<loom::SinkToken>) override {
    std::lock_guard lock(collected_mutex);
    auto& out = collected[o_.into];
    for (loom::Doc doc : batch) out.emplace_back(doc.text());
    note_alive(-1);
  }
  void finish() override {
    std::lock_guard lock(collected_mutex);
    collected[o_.into + ".finished"].push_back("yes");
  }

 private:
  Options o_;
};

LOOM_PLUGIN("runtime_test", "1.0", "Apache-2.0", CountingSource, DropOdd, Shout, OrderCheck, FailAt,
            CollectSink)

struct RunResult {
  bool ok = false;
  std::vector<loom::Diagnostic> diagnostics;
  loom::RunStats stats;
};

RunResult run_yaml(const std::string& yaml, int threads, std::size_t in_flight = 8) {
  {
    std::lock_guard lock(collected_mutex);
    collected.clear();
  }
  batches_alive = 0;
  max_batches_alive = 0;
  order_violations = 0;
  RunResult result;
  static loom::Registry registry;
  static bool registered = false;
  if (!registered) {
    REQUIRE(
        registry.add_plugin(loom_plugin_entry(), "libloom_runtime_test.so", result.diagnostics));
    registered = true;
  }
  loom::GraphSpec spec = loom::load_graph_text("test.yaml", yaml, {}, result.diagnostics);
  REQUIRE_FALSE(loom::has_errors(result.diagnostics));
  loom::BoundGraph bound = loom::validate_graph(spec, registry, result.diagnostics);
  REQUIRE_FALSE(loom::has_errors(result.diagnostics));
  loom::runtime::ExecutionSettings settings;
  settings.threads = threads;
  settings.max_batches_in_flight = in_flight;
  result.ok = loom::runtime::execute(bound, settings, result.stats, result.diagnostics);
  return result;
}

std::vector<std::string> take(const std::string& name) {
  std::lock_guard lock(collected_mutex);
  return collected[name];
}

const char* const kFilterGraph = R"(
version: 1
sources:
  numbers: { type: test_counting_source, with: { shards: 4, docs_per_shard: 400 } }
filters:
  even: { type: test_drop_odd, inputs: [numbers] }
dedupers:
  order: { type: test_order_check, inputs: [even] }
sinks:
  kept: { type: test_collect, inputs: [order], with: { into: kept } }
  odd: { type: test_collect, inputs: [even.dropped], with: { into: odd } }
)";

// Numbers from a source with `source_options` through a filter that fails on the number 142.
std::string graph_failing_at_142(const std::string& source_options) {
  return R"(
version: 1
sources:
  numbers: { type: test_counting_source, with: { )" +
         source_options + R"( } }
filters:
  picky: { type: test_fail_at, inputs: [numbers], with: { at: 142 } }
sinks:
  kept: { type: test_collect, inputs: [picky], with: { into: kept } }
)";
}

}  // namespace

TEST_CASE("a filter's kept and dropped ports reach their sinks in input order") {
  RunResult r = run_yaml(kFilterGraph, 4);
  REQUIRE(r.ok);
  const auto kept = take("kept");
  const auto odd = take("odd");
  REQUIRE(kept.size() == 800);
  REQUIRE(odd.size() == 800);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    CHECK(kept[i] == std::to_string(2 * i));
    CHECK(odd[i] == std::to_string(2 * i + 1));
  }
  CHECK(order_violations == 0);
  CHECK(take("kept.finished").size() == 1);
}

TEST_CASE("output is identical with one thread and with several") {
  RunResult one = run_yaml(kFilterGraph, 1);
  const auto kept_one = take("kept");
  RunResult four = run_yaml(kFilterGraph, 4);
  const auto kept_four = take("kept");
  REQUIRE(one.ok);
  REQUIRE(four.ok);
  CHECK(kept_one == kept_four);
}

TEST_CASE("statistics count documents in, kept and dropped per reason") {
  RunResult r = run_yaml(kFilterGraph, 2);
  REQUIRE(r.ok);
  CHECK(r.stats.shards_total == 4);
  CHECK(r.stats.shards_done == 4);
  CHECK(r.stats.docs_read == 1600);
  bool saw_filter = false;
  for (const auto& n : r.stats.nodes) {
    if (n.id != "even") continue;
    saw_filter = true;
    CHECK(n.docs_in == 1600);
    CHECK(n.docs_kept == 800);
    CHECK(n.docs_dropped == 800);
    CHECK(n.dropped_by_reason.at("odd") == 800);
    CHECK(n.batches == 100);
  }
  CHECK(saw_filter);
}

TEST_CASE("the number of batches in flight stays bounded") {
  RunResult r = run_yaml(R"(
version: 1
sources:
  numbers: { type: test_counting_source, with: { shards: 2, docs_per_shard: 4000, docs_per_batch: 8 } }
filters:
  even: { type: test_drop_odd, inputs: [numbers] }
sinks:
  kept: { type: test_collect, inputs: [even], with: { into: kept } }
)",
                         2, 4);
  REQUIRE(r.ok);
  CHECK(take("kept").size() == 4000);
  // The limiter admits 4; the input node may hold one more it has already read, and the source
  // one read ahead (to know whether the batch before it ends its shard).
  CHECK(max_batches_alive.load() <= 6);
}

TEST_CASE("fan-out gives each consumer its own copy of the documents") {
  RunResult r = run_yaml(R"(
version: 1
sources:
  numbers: { type: test_counting_source, with: { shards: 1, docs_per_shard: 50 } }
cleaners:
  loud: { type: test_shout, inputs: [numbers] }
sinks:
  plain: { type: test_collect, inputs: [numbers], with: { into: plain } }
  shouted: { type: test_collect, inputs: [loud], with: { into: shouted } }
)",
                         2);
  REQUIRE(r.ok);
  const auto plain = take("plain");
  const auto shouted = take("shouted");
  REQUIRE(plain.size() == 50);
  REQUIRE(shouted.size() == 50);
  CHECK(plain[7] == "7");
  CHECK(shouted[7] == "7!");
}

TEST_CASE("a sink fed by both ports of a filter sees each batch's parts in a fixed order") {
  RunResult r = run_yaml(R"(
version: 1
sources:
  numbers: { type: test_counting_source, with: { shards: 1, docs_per_shard: 64, docs_per_batch: 4 } }
filters:
  even: { type: test_drop_odd, inputs: [numbers] }
sinks:
  all: { type: test_collect, inputs: [even.dropped, even], with: { into: all } }
)",
                         3);
  REQUIRE(r.ok);
  const auto all = take("all");
  REQUIRE(all.size() == 64);
  // Per batch of 4 (0..3): the dropped part (1, 3) first, then the kept part (0, 2).
  CHECK(all[0] == "1");
  CHECK(all[1] == "3");
  CHECK(all[2] == "0");
  CHECK(all[3] == "2");
  CHECK(all[4] == "5");
}

TEST_CASE("an error in a component stops the run with one diagnostic naming where") {
  RunResult r = run_yaml(graph_failing_at_142("shards: 3, docs_per_shard: 100"), 2);
  CHECK_FALSE(r.ok);
  REQUIRE(r.diagnostics.size() == 1);
  const std::string& message = r.diagnostics[0].message;
  CHECK(message.find("node 'picky' (test_fail_at, libloom_runtime_test.so)") != std::string::npos);
  CHECK(message.find("'shard-1'") != std::string::npos);
  CHECK(message.find("record 42") != std::string::npos);
  CHECK(message.find("number 142 is not allowed") != std::string::npos);
  // The sink never finished: its output would not be committed.
  CHECK(take("kept.finished").empty());
}

TEST_CASE("a source reading a shard when another node fails gets close_shard before destroy") {
  readers_open = 0;
  readers_open_at_destroy = -1;
  RunResult r =
      run_yaml(graph_failing_at_142("shards: 2, docs_per_shard: 20000, docs_per_batch: 8"), 2);
  CHECK_FALSE(r.ok);
  // The failure came early in the first shard's 20000 documents: its reader was open then.
  CHECK(readers_open_at_destroy == 0);
  CHECK(readers_open == 0);
}

TEST_CASE("task I/N takes a contiguous share of the shards, covering all of them once") {
  using loom::runtime::task_share;
  CHECK(task_share(10, 0, 3) == std::pair<std::size_t, std::size_t>{0, 3});
  CHECK(task_share(10, 1, 3) == std::pair<std::size_t, std::size_t>{3, 6});
  CHECK(task_share(10, 2, 3) == std::pair<std::size_t, std::size_t>{6, 10});
  CHECK(task_share(2, 1, 4) == std::pair<std::size_t, std::size_t>{0, 1});
  for (std::size_t n : {0u, 1u, 7u, 100u}) {
    std::size_t covered = 0;
    for (int i = 0; i < 5; ++i) {
      auto [b, e] = task_share(n, i, 5);
      CHECK(b == covered);
      covered = e;
    }
    CHECK(covered == n);
  }
}
