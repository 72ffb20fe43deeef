// ComponentInstance: every plugin call returns the plugin's error as a value (nothing thrown),
// charges its time to the node's counters, and hands back what the plugin returned.
#include "runtime/component_instance.hpp"
#include "runtime/batch.hpp"
#include "validate/bound_graph.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace {

struct Plugin {
  int discarded = 0;
  int finished = 0;
};

Plugin plugin_state;

int create(const loom_host*, const loom_option_value*, std::size_t, void** self, loom_error*) {
  plugin_state = Plugin{};
  *self = &plugin_state;
  return 0;
}
void destroy(void*) {}

// Fails on any batch of two documents or more, naming the second one; takes 20 ms either way.
int process(void*, loom_batch* batch, loom_error* err) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (reinterpret_cast<loom::runtime::Batch*>(batch)->docs.size() < 2) return 0;
  err->code = LOOM_ERR_INVALID_INPUT;
  err->record = 1;
  std::snprintf(err->message, sizeof err->message, "the second document is bad");
  return 1;
}
int prepare(void*, loom_batch*, void** token, loom_error*) {
  *token = new int(7);
  return 0;
}
void discard(void* self, void* token) {
  delete static_cast<int*>(token);
  ++static_cast<Plugin*>(self)->discarded;
}
int finish(void* self, loom_error* err) {
  ++static_cast<Plugin*>(self)->finished;
  err->code = LOOM_ERR_IO;
  std::snprintf(err->message, sizeof err->message, "disk full");
  return 1;
}

loom_component make_api(bool with_finish) {
  loom_component c{};
  c.struct_size = sizeof c;
  c.kind = LOOM_KIND_FILTER;
  c.name = "test_calls";
  c.create = create;
  c.destroy = destroy;
  c.process = process;
  c.prepare = prepare;
  c.discard = discard;
  c.finish = with_finish ? finish : nullptr;
  return c;
}

struct Fixture {
  explicit Fixture(bool with_finish) : api(make_api(with_finish)) {
    info.component = &api;
    info.plugin = &plugin;
    info.name = api.name;
    info.kind = loom::NodeKind::filter;
    spec.id = "calls";
    node.spec = &spec;
    node.component = &info;
    node.options = std::make_unique<loom::BoundOptions>();
    node.options->pack(sizeof(loom_option_value));
  }
  loom_component api;
  loom::PluginInfo plugin{"test",         "1",    "MIT", "libloom_test.so", LOOM_ABI_MAJOR,
                          LOOM_ABI_MINOR, nullptr};
  loom::ComponentInfo info;
  loom::NodeSpec spec;
  loom::BoundNode node;
};

void append_documents(loom::runtime::Batch& batch, int count) {
  for (int i = 0; i < count; ++i) {
    loom::runtime::Document& doc = batch.append();
    batch.set_text(doc, "text");
  }
}

}  // namespace

TEST_CASE("component calls return the plugin's error as a value and count the time spent") {
  Fixture fixture(true);
  loom::runtime::NodeCounters counters;
  loom_error err = loom::runtime::fresh_error();
  auto instance = loom::runtime::ComponentInstance::create(fixture.node, {&counters}, err);
  REQUIRE(instance != nullptr);

  loom::runtime::Batch good;
  append_documents(good, 1);
  CHECK_FALSE(instance->process(good).has_value());

  loom::runtime::Batch bad;
  append_documents(bad, 2);
  const loom::runtime::CallFailure failure = instance->process(bad);
  REQUIRE(failure.has_value());
  CHECK(failure->code == LOOM_ERR_INVALID_INPUT);
  CHECK(failure->record == 1);
  CHECK(std::string(failure->message) == "the second document is bad");
  CHECK(failure->line == -1);  // a fresh error for every call: nothing left from another

  const loom::runtime::CallFailure finished = instance->finish();
  REQUIRE(finished.has_value());
  CHECK(std::string(finished->message) == "disk full");
  CHECK(plugin_state.finished == 1);

  loom::NodeStats stats;
  counters.fill(stats);
  CHECK(stats.busy_seconds >= 0.04);  // both process() calls, 20 ms each
}

TEST_CASE("optional calls a component lacks succeed without calling it, and tokens reach discard") {
  Fixture fixture(false);
  loom::runtime::NodeCounters counters;
  loom_error err = loom::runtime::fresh_error();
  auto instance = loom::runtime::ComponentInstance::create(fixture.node, {&counters}, err);
  REQUIRE(instance != nullptr);
  CHECK_FALSE(instance->finish().has_value());
  CHECK_FALSE(instance->observe(loom::runtime::Batch{}).has_value());

  loom::runtime::Batch batch;
  append_documents(batch, 1);
  void* token = nullptr;
  REQUIRE_FALSE(instance->prepare(batch, token).has_value());
  REQUIRE(token != nullptr);
  CHECK(*static_cast<int*>(token) == 7);
  instance->discard(token);
  CHECK(plugin_state.discarded == 1);
  instance->discard(nullptr);  // nothing prepared: not passed to the plugin
  CHECK(plugin_state.discarded == 1);
}
