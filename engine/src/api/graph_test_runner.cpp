// `loom test`: runs one test of a graph's `tests:` block on the real runtime (engine.hpp).
#include "api/checked_graph_state.hpp"
#include "api/test_documents.hpp"
#include "config/graph_tests.hpp"
#include "io/io.hpp"
#include "runtime/batch.hpp"
#include "runtime/executor.hpp"
#include "runtime/host_table.hpp"

#include <loom/engine/engine.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>

namespace loom {
namespace {

// The engine-side ends of a test, as components behind the same C ABI as any plugin's, so the
// runtime runs them unchanged. They are never registered: each create() receives the address of
// its state as its one (internal) option value.
struct Fixture {
  const std::vector<TestDocument>* inserted = nullptr;
  std::mutex mutex;
  std::vector<PlainDocument> captured;
};

Fixture* fixture_of(const loom_option_value* values, std::size_t count) {
  return count == 1 ? reinterpret_cast<Fixture*>(static_cast<std::intptr_t>(values[0].i)) : nullptr;
}

int create_fixture(const loom_host*, const loom_option_value* values, std::size_t count,
                   void** out_self, loom_error* err) {
  Fixture* fixture = fixture_of(values, count);
  if (fixture == nullptr) {
    err->code = LOOM_ERR_INTERNAL;
    std::snprintf(err->message, sizeof err->message, "test fixture missing");
    return 1;
  }
  *out_self = fixture;
  return 0;
}

void destroy_fixture(void*) {}

int list_one_shard(void*, loom_list* out, loom_error*) {
  const char name[] = "(inserted documents)";
  runtime::host_table()->list_push(out, loom_str{name, sizeof name - 1});
  return 0;
}

int open_inserted(void* self, loom_str, std::uint64_t, void** reader, loom_error*) {
  *reader = self;
  return 0;
}

int read_inserted(void* self, void*, loom_batch* batch, std::size_t, std::int32_t* done,
                  loom_error*) {
  auto& target = *reinterpret_cast<runtime::Batch*>(batch);
  const auto& docs = *static_cast<Fixture*>(self)->inserted;
  for (std::size_t i = 0; i < docs.size(); ++i) append_to_batch(target, docs[i], i);
  *done = 1;
  return 0;
}

void close_inserted(void*, void*) {}

int capture_batch(void* self, loom_batch* batch, void*, loom_error*) {
  auto* fixture = static_cast<Fixture*>(self);
  const auto& source = *reinterpret_cast<const runtime::Batch*>(batch);
  std::lock_guard lock(fixture->mutex);
  for (const runtime::Document& doc : source.docs)
    fixture->captured.push_back(capture_document(source, doc));
  return 0;
}

loom_component make_inserted_api() {
  loom_component c{};
  c.struct_size = sizeof(loom_component);
  c.kind = LOOM_KIND_SOURCE;
  c.name = "test_documents";
  c.create = create_fixture;
  c.destroy = destroy_fixture;
  c.list_shards = list_one_shard;
  c.open_shard = open_inserted;
  c.read = read_inserted;
  c.close_shard = close_inserted;
  return c;
}

loom_component make_capture_api() {
  loom_component c{};
  c.struct_size = sizeof(loom_component);
  c.kind = LOOM_KIND_SINK;
  c.name = "test_capture";
  c.create = create_fixture;
  c.destroy = destroy_fixture;
  c.write = capture_batch;
  return c;
}

const PluginInfo& test_plugin() {
  static const PluginInfo info{"loom test",    "",     "", "loom test", LOOM_ABI_MAJOR,
                               LOOM_ABI_MINOR, nullptr};
  return info;
}

const ComponentInfo& inserted_info() {
  static const loom_component api = make_inserted_api();
  static const ComponentInfo info{&api, &test_plugin(), "test_documents", NodeKind::source, 0};
  return info;
}

const ComponentInfo& capture_info() {
  static const loom_component api = make_capture_api();
  static const ComponentInfo info{&api, &test_plugin(), "test_capture", NodeKind::sink, 0};
  return info;
}

std::unique_ptr<BoundOptions> fixture_options(Fixture& fixture) {
  auto options = std::make_unique<BoundOptions>();
  loom_option_value value{};
  value.struct_size = sizeof value;
  value.present = 1;
  value.i = static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(&fixture));
  options->values.push_back(value);
  options->pack(sizeof value);
  return options;
}

// The slice of the graph a test runs, as a graph of its own: [0] the inserted documents, then the
// real nodes on the way, then the capture standing in for `expect.at`.
class TestGraph {
 public:
  TestGraph(const BoundGraph& whole, const TestSpec& test) {
    const GraphSpec& spec = *whole.spec;
    graph_.spec = &spec;
    input_spec_.id = "test_input";
    input_spec_.kind = NodeKind::source;
    capture_spec_.id = test.expect_at;
    capture_spec_.kind = NodeKind::sink;

    BoundNode input;
    input.spec = &input_spec_;
    input.component = &inserted_info();
    input.options = fixture_options(fixture_);
    graph_.nodes.push_back(std::move(input));
    fixture_.inserted = &test.insert_docs;

    const TestSlice slice = test_slice(spec, test.insert_at, test.expect_at);
    std::map<std::string, std::size_t> index{{test.insert_at, 0}};
    for (const NodeSpec* node : slice.nodes) {
      if (node->kind == NodeKind::source) continue;  // only insert.at: replaced by the input
      index[node->id] = graph_.nodes.size();
      BoundNode bound;
      bound.spec = node;
      bound.component = find_bound(whole, node->id).component;
      std::vector<Diagnostic> ignored;  // the whole graph was validated with the same options
      bound.options = bind_options(*node, *bound.component, spec.file, ignored);
      graph_.nodes.push_back(std::move(bound));
    }
    for (BoundNode& bound : graph_.nodes) {
      if (bound.spec == &input_spec_) continue;
      if (bound.spec->id == test.insert_at)
        bound.inputs.push_back({0, false});
      else
        bound.inputs = wire(bound.spec->inputs, index);
    }

    BoundNode capture;
    capture.spec = &capture_spec_;
    capture.component = &capture_info();
    capture.options = fixture_options(fixture_);
    const NodeSpec* expected = spec.find(test.expect_at);
    if (test.expect_at == test.insert_at || expected == nullptr)
      capture.inputs.push_back({0, false});
    else
      capture.inputs = wire(expected->inputs, index);
    graph_.nodes.push_back(std::move(capture));
  }

  const BoundGraph& graph() const { return graph_; }
  const std::vector<PlainDocument>& captured() const { return fixture_.captured; }

 private:
  static const BoundNode& find_bound(const BoundGraph& whole, const std::string& id) {
    for (const BoundNode& node : whole.nodes)
      if (node.spec->id == id) return node;
    return whole.nodes.front();  // unreachable: the slice only holds nodes of this graph
  }

  // Keeps the inputs that come from inside the slice; the inserted node's output is the input's.
  static std::vector<InputEdge> wire(const std::vector<PortRef>& inputs,
                                     const std::map<std::string, std::size_t>& index) {
    std::vector<InputEdge> edges;
    for (const PortRef& ref : inputs) {
      const auto it = index.find(ref.node);
      if (it == index.end()) continue;
      edges.push_back({it->second, ref.port == "dropped"});
    }
    return edges;
  }

  Fixture fixture_;
  NodeSpec input_spec_;
  NodeSpec capture_spec_;
  BoundGraph graph_;
};

std::string describe_drops(const std::map<std::string, std::uint64_t>& reasons) {
  if (reasons.empty()) return "nothing";
  std::string out;
  for (const auto& [reason, count] : reasons)
    out += (out.empty() ? "" : ", ") + reason + ": " + std::to_string(count);
  return "{" + out + "}";
}

std::string check_drops(const TestSpec& test, const RunStats& stats) {
  for (const TestDrops& drops : test.dropped) {
    std::map<std::string, std::uint64_t> expected;
    for (const auto& [reason, count] : drops.reasons)
      if (count > 0) expected[reason] += count;
    std::map<std::string, std::uint64_t> actual;
    for (const NodeStats& node : stats.nodes)
      if (node.id == drops.node) actual = node.dropped_by_reason;
    if (expected != actual)
      return "node '" + drops.node + "' dropped " + describe_drops(actual) + ", expected " +
             describe_drops(expected);
  }
  return {};
}

}  // namespace

GraphTestOutcome run_graph_test(const CheckedGraph& graph, const TestSpec& test, int threads) {
  GraphTestOutcome outcome;
  const auto test_graph = std::make_unique<TestGraph>(bound_graph(graph), test);
  runtime::ExecutionSettings settings;
  settings.threads = threads;
  RunStats stats;
  std::vector<Diagnostic> diagnostics;
  if (!runtime::execute(test_graph->graph(), settings, stats, diagnostics)) {
    outcome.failure = "the run failed:";
    for (const Diagnostic& d : diagnostics) outcome.failure += "\n    " + d.message;
    return outcome;
  }
  if (test.expects_docs) {
    std::vector<PlainDocument> expected;
    for (const TestDocument& doc : test.expect_docs) expected.push_back(plain_document(doc));
    const std::string difference =
        first_difference(expected, test_graph->captured(), test.float_tolerance);
    if (!difference.empty()) {
      outcome.failure = "at the input of '" + test.expect_at + "': " + difference;
      return outcome;
    }
  }
  outcome.failure = check_drops(test, stats);
  outcome.passed = outcome.failure.empty();
  return outcome;
}

}  // namespace loom
