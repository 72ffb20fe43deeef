// The wiring of a run: one node of the flow graph per component (sources in source_stage.cpp,
// whole-input stages in whole_input.cpp), the routes between them, and the order of a run.
// Plugin calls go through ComponentInstance, failures through RunFailures, progress through
// RunMeter and resume through Resume and plan_resume.
#include "runtime/executor.hpp"

#include "base/tsan_annotations.hpp"
#include "io/io.hpp"
#include "runtime/declared_drops.hpp"
#include "runtime/exclusions.hpp"
#include "runtime/key_exchange_stage.hpp"
#include "runtime/resume_plan.hpp"
#include "runtime/run_node.hpp"
#include "runtime/watchdog.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_scheduler_observer.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <thread>

namespace loom::runtime {

namespace {

// Under ThreadSanitizer: oneTBB's own code in a worker reads the flow-graph nodes (their bodies,
// mutexes, settings) before any body of ours can acquire a batch, and the thread that built them
// reaches the worker only through a spawn inside libtbb. A worker joins the run's arena only once
// the graph holds work, so each worker, as it joins, takes over what run_graph() released once
// the graph was built. The address is a static one: oneTBB calls the observer from libtbb, so
// even reading a member of the observer would be a hand-off TSan cannot see.
class ArenaEntry final : public oneapi::tbb::task_scheduler_observer {
 public:
  ArenaEntry() { observe(true); }
  ~ArenaEntry() override { observe(false); }
  void on_scheduler_entry(bool) override { tsan::acquire(&graph_built); }
  static void built() { tsan::release(&graph_built); }

 private:
  static inline const char graph_built = 0;
};

class Run {
 public:
  Run(const BoundGraph& graph, const ExecutionSettings& settings,
      std::vector<Diagnostic>& diagnostics)
      : graph_(graph),
        settings_(settings),
        failures_(diagnostics, [this] { flow_.cancel(); }),
        resume_(settings.manifest_path, settings.checkpoint_seconds),
        nodes_(graph.nodes.size()),
        meter_(settings.on_progress, settings.collect_report),
        context_{flow_, settings_, failures_, meter_, resume_, accepting_, interrupted_},
        watchdog_(
            settings.batch_timeout_seconds, [this](const void* node, const void* shard, double) {
              on_stall(*static_cast<const BoundNode*>(node), static_cast<const ShardRef*>(shard));
            }) {
    if constexpr (tsan::enabled) arena_entry_.emplace();
  }

  ~Run() {
    // Tickets released while nodes are torn down must not touch the limiters any more.
    accepting_ = false;
  }

  bool execute(RunStats& stats) {
    io::reset_output_tracking();
    io::reset_input_guard();
    bool ok = create_components() && list_shards() && outputs_spare_inputs() && plan();
    if (ok) {
      io::BackgroundCommits commits;  // waits for them also when the run fails
      build_graph();
      ok = run_graph() && finish_all() && finish_commits(commits) && complete_resume();
    }
    if (!ok) resume_.settle_failed_run(interrupted_);
    fill_stats(stats);
    return ok;
  }

 private:
  // -- set-up ------------------------------------------------------------------------------
  bool create_components() {
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      n.bound = &graph_.nodes[i];
      n.kind = n.bound->component->kind;
      const CallScope scope{&n.counters, &watchdog_, n.bound, static_cast<int>(i)};
      loom_error err = fresh_error();
      n.instance = ComponentInstance::create(*n.bound, scope, err);
      if (!n.instance) {
        failures_.refuse(*n.bound, "could not be created: " + std::string(err.message));
        return false;
      }
    }
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      const auto& inputs = graph_.nodes[i].inputs;
      nodes_[i].input_edges = static_cast<std::uint32_t>(inputs.size());
      for (std::uint32_t e = 0; e < inputs.size(); ++e)
        nodes_[inputs[e].from].consumers[inputs[e].dropped_port ? 1 : 0].push_back({i, e});
    }
    return true;
  }

  bool list_shards() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      if (n.kind != NodeKind::source) continue;
      n.source = std::make_unique<SourceStage>(context_, i, *n.bound, *n.instance, n.counters);
      if (!n.source->list_shards()) return false;
      meter_.add_shards(n.source->shards().size(), 0);
    }
    return true;
  }

  // Now that every source has listed its input: no output may replace one or be read back by a
  // rerun. Outputs opened later are checked as they open (io::Output::open).
  bool outputs_spare_inputs() {
    try {
      for (const std::string& path : settings_.engine_outputs) io::check_output_path(path);
      io::check_open_outputs();
    } catch (const io::IoError& e) {
      failures_.refuse(e.what());
      return false;
    }
    return true;
  }

  bool plan() {
    RunShards shards(nodes_.size());
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (nodes_[i].source) shards[i] = nodes_[i].source->shards();
    ResumePlan plan;
    const std::string error =
        plan_resume(resume_, graph_, shards, settings_.batch_bytes, settings_.task_index,
                    settings_.task_count, settings_.rank_count, settings_.restart, plan);
    if (!error.empty()) {
      failures_.refuse(error);
      return false;
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      nodes_[i].resume_written = plan.written[i];
      if (nodes_[i].source) nodes_[i].source->start_at(plan.starts[i]);
    }
    meter_.add_shards(0, plan.shards_done);
    return true;
  }

  void build_graph() {
    const std::size_t in_flight = std::max<std::size_t>(1, settings_.max_batches_in_flight);
    std::vector<bool> source_reread(nodes_.size(), false);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      const ComponentInfo& info = n.instance->info();
      if (n.kind == NodeKind::source) {
        n.source->build(in_flight,
                        [this, &n](BatchPtr batch) { deliver(n.consumers[0], std::move(batch)); });
        continue;
      }
      if (runs_whole_input(info, settings_.rank_count)) {
        n.whole = std::make_unique<WholeInputStage>(
            context_, *n.bound, *n.instance, n.counters,
            WholeInputStage::upstream_of(graph_, i, settings_.rank_count));
        if (settings_.reread_sources) plan_reread(i, source_reread);
        n.whole->build(in_flight, [this, &n](BatchPtr batch) { route(n, std::move(batch)); });
        n.reorder = std::make_unique<Reorderer<Delivery>>(n.input_edges);
        add_work(n, flow::serial, [&n](Delivery d) { n.whole->observe(std::move(d.batch)); });
        continue;
      }
      if (n.kind == NodeKind::sink || info.order_sensitive()) {
        n.reorder = std::make_unique<Reorderer<Delivery>>(n.input_edges);
        // A resumed source's first batch sent on (those before it are read and discarded).
        n.reorder->start_at(nodes_[n.bound->source].source->first_sent());
      }
      if (n.kind == NodeKind::sink) {
        add_work(n, flow::unlimited, [this, &n](Delivery d) { prepare(n, std::move(d)); });
        n.writer =
            work_node(n.writer, flow::serial, [this, &n](Delivery d) { write(n, std::move(d)); });
      } else {
        const bool concurrent = info.thread_safe() && !info.order_sensitive();
        add_work(n, concurrent ? flow::unlimited : flow::serial,
                 [this, &n](Delivery d) { process(n, std::move(d)); });
      }
    }
  }

  // The whole-input stage `index` rereads its source for the second pass when it can. Two
  // stages never reread one source: its component would read two shards at once.
  void plan_reread(std::size_t index, std::vector<bool>& source_reread) {
    const std::vector<std::size_t> chain =
        WholeInputStage::reread_chain(graph_, index, settings_.rank_count);
    if (chain.empty() || source_reread[chain.front()]) return;
    source_reread[chain.front()] = true;
    std::vector<WholeInputStage::UpstreamStage> stages;
    for (std::size_t k = 1; k < chain.size(); ++k)
      stages.push_back({nodes_[chain[k]].bound, nodes_[chain[k]].instance.get()});
    nodes_[index].whole->reread_from(*nodes_[chain.front()].source, std::move(stages));
  }

  template <class Body>
  void add_work(NodeRuntime& n, std::size_t concurrency, Body body) {
    n.work = work_node(n.work, concurrency, std::move(body));
  }

  // The flow-graph node (kept in `slot`) that runs `body` on each delivery, with the handoffs
  // oneTBB makes inside libtbb stated for ThreadSanitizer (base/tsan_annotations.hpp): the
  // delivery's batch, from the thread that put it (put()), before the delivery is even copied;
  // and a serial node's previous call, through the node's address.
  template <class Body>
  std::unique_ptr<WorkNode> work_node(const std::unique_ptr<WorkNode>& slot,
                                      std::size_t concurrency, Body body) {
    const bool serial = concurrency == flow::serial;
    return std::make_unique<WorkNode>(flow_, concurrency,
                                      [&slot, serial, body](const Delivery& delivered) {
                                        tsan::acquire(delivered.batch.get());
                                        if (serial) tsan::acquire(slot.get());
                                        body(Delivery(delivered));
                                        if (serial) tsan::release(slot.get());
                                        return flow::continue_msg();
                                      });
  }

  // Every delivery enters a node here: the batch's own address carries what the sender did to it
  // (and everything before) to the node's body.
  static void put(WorkNode& node, Delivery&& d) {
    tsan::release(d.batch.get());
    node.try_put(std::move(d));
  }

  // -- the data path -------------------------------------------------------------------------
  void deliver(const std::vector<Consumer>& consumers, BatchPtr batch) {
    // Every consumer but the last gets its own copy (they edit documents in place); the copies
    // share the bytes.
    for (std::size_t i = 0; i < consumers.size(); ++i) {
      BatchPtr own = (i + 1 == consumers.size())
                         ? std::move(batch)
                         : batch->select([](const Document&) { return true; });
      arrive(consumers[i], std::move(own));
    }
  }

  void arrive(const Consumer& consumer, BatchPtr batch) {
    if (failures_.failed()) return;
    NodeRuntime& n = nodes_[consumer.node];
    Delivery d{std::move(batch), consumer.edge, nullptr};
    if (n.reorder && n.kind != NodeKind::sink) {
      const std::uint64_t seq = d.batch->seq;
      n.reorder->push(seq, consumer.edge, std::move(d),
                      [&n](Delivery&& ready) { put(*n.work, std::move(ready)); });
    } else {
      put(*n.work, std::move(d));
    }
  }

  void process(NodeRuntime& n, Delivery d) {
    if (failures_.failed()) return;
    Batch& batch = *d.batch;
    n.counters.add_batch(batch.docs.size(), batch.text_bytes(), 1);
    const std::size_t meta_before = batch.meta.size();
    if (const CallFailure failure = n.instance->process(batch)) {
      failures_.fail(*n.bound, *failure, batch.shard.get(), &batch);
      return;
    }
    n.meta_sampler.add_batch(batch, meta_before, settings_.collect_report);
    route(n, std::move(d.batch));
  }

  // Counts what a node kept and dropped, then sends kept documents to the main output and
  // dropped ones, marked with this node and their reason, to the `dropped` port (every port
  // gets every sequence number, even if empty).
  void route(NodeRuntime& n, BatchPtr batch) {
    std::map<std::string, std::uint64_t, std::less<>> reasons;
    n.counters.add_kept(count_drops(*batch, reasons));
    n.counters.add_dropped(reasons);
    if (std::string undeclared = undeclared_drop_reason(*n.bound->component, reasons);
        !undeclared.empty())
      return failures_.stop(*n.bound, undeclared);
    BatchPtr dropped;
    if (!n.consumers[1].empty()) {
      dropped = batch->select(is_dropped);
      mark_exclusions(*dropped, n.bound->spec->id);
    }
    if (!reasons.empty()) batch->erase_if(is_dropped);
    deliver(n.consumers[0], std::move(batch));
    if (dropped) deliver(n.consumers[1], std::move(dropped));
  }

  void prepare(NodeRuntime& n, Delivery d) {
    if (failures_.failed()) return;
    const bool written = static_cast<std::int64_t>(d.batch->seq) <= n.resume_written;
    if (!written && n.instance->provides(&loom_component::prepare)) {
      void* token = nullptr;
      if (const CallFailure failure = n.instance->prepare(*d.batch, token)) {
        failures_.fail(*n.bound, *failure, d.batch->shard.get(), d.batch.get());
        return;
      }
      d.prepared = std::make_shared<PreparedToken>(n.instance.get(), token);
    }
    const std::uint64_t seq = d.batch->seq;
    const std::uint32_t edge = d.edge;
    n.reorder->push(seq, edge, std::move(d),
                    [&n](Delivery&& ready) { put(*n.writer, std::move(ready)); });
  }

  void write(NodeRuntime& n, Delivery d) {
    if (failures_.failed()) return;
    Batch& batch = *d.batch;
    if (static_cast<std::int64_t>(batch.seq) <= n.resume_written) return;  // before the crash
    n.counters.add_batch(batch.docs.size(), batch.text_bytes(), 1);
    void* token = d.prepared ? d.prepared->take() : nullptr;
    if (const CallFailure failure = n.instance->write(batch, token)) {
      failures_.fail(*n.bound, *failure, batch.shard.get(), &batch);
      return;
    }
    n.counters.add_kept(batch.docs.size());
    if (d.edge + 1 == n.input_edges) {
      // Before the checkpoint, so that none finds a finished shard's files still open.
      if (batch.ends_shard) {
        if (const CallFailure failure = n.instance->end_shard(*batch.shard)) {
          failures_.fail(*n.bound, *failure, batch.shard.get(), nullptr);
          return;
        }
      }
      try {
        resume_.after_write(static_cast<std::size_t>(n.index(nodes_)), batch.seq);
      } catch (const std::exception& e) {
        failures_.stop(*n.bound, std::string("could not record a resume checkpoint: ") + e.what());
      }
    }
  }

  // -- running -------------------------------------------------------------------------------
  bool run_graph() {
    std::vector<const NodeCounters*> counters;
    std::vector<WholeInputStage*> whole_input;
    for (const NodeRuntime& n : nodes_) {
      counters.push_back(&n.counters);
      whole_input.push_back(n.whole.get());
    }
    meter_.start_sampling(std::move(counters));
    bool ok = true;
    try {
      ArenaEntry::built();
      for (NodeRuntime& n : nodes_)
        if (n.source) n.source->activate();
      wait_for_graph();
      while (!failures_.failed() && WholeInputStage::start_ready(whole_input)) wait_for_graph();
      graph_done_ = true;
      check_drained();
    } catch (const std::exception& e) {
      failures_.stop(*nodes_.front().bound,
                     std::string("stopped on an internal error: ") + e.what());
      ok = false;
    }
    meter_.stop_sampling();
    return ok && !failures_.failed();
  }

  // Every task of the graph (our bodies and oneTBB's own, which touch the nodes) ends by
  // releasing its hold on the graph's wait count, an atomic read-modify-write in oneTBB's headers
  // that TSan sees; only the waiter's final read of that count happens inside libtbb. Taking and
  // dropping a hold once more reads it again where TSan sees it, so all their work happens before
  // what this thread does next: read counters, check reorderers, tear the nodes down.
  void wait_for_graph() {
    flow_.wait_for_all();
    if constexpr (tsan::enabled) {
      flow_.reserve_wait();
      flow_.release_wait();
    }
  }

  // A batch left in a reorderer means one it waits for never came: the output would be
  // incomplete, so this is an error, never a success.
  void check_drained() {
    if (failures_.failed()) return;
    for (NodeRuntime& n : nodes_) {
      if (!n.reorder || n.reorder->waiting() == 0) continue;
      failures_.stop(*n.bound, "stopped with " + std::to_string(n.reorder->waiting()) +
                                   " batches waiting for an earlier one that never came (internal "
                                   "error)");
      return;
    }
  }

  bool finish_all() {
    // Sinks last: their finish commits output files, which must only happen once every other
    // component has finished without error.
    for (const bool sinks : {false, true}) {
      for (NodeRuntime& n : nodes_) {
        if ((n.kind == NodeKind::sink) != sinks) continue;
        if (const CallFailure failure = n.instance->finish()) {
          failures_.fail(*n.bound, *failure, nullptr, nullptr);
          return false;
        }
      }
    }
    return true;
  }

  // Before the manifest goes: a resumed run that dies now must still find what it committed.
  bool finish_commits(io::BackgroundCommits& commits) {
    try {
      commits.wait();
    } catch (const io::BackgroundCommitError& e) {
      const std::size_t owner = e.owner() >= 0 ? static_cast<std::size_t>(e.owner()) : 0;
      failures_.stop(*nodes_.at(owner).bound,
                     std::string("could not commit an output: ") + e.what());
      return false;
    }
    return true;
  }

  bool complete_resume() {
    try {
      resume_.complete_run();
    } catch (const std::exception& e) {
      failures_.stop(*nodes_.front().bound,
                     std::string("could not finish a resumed output: ") + e.what());
      return false;
    }
    return true;
  }

  void fill_stats(RunStats& stats) const {
    stats.threads = settings_.threads;
    stats.task_index = settings_.task_index;
    stats.task_count = settings_.task_count;
    meter_.fill(stats);
    stats.nodes.clear();
    for (const NodeRuntime& n : nodes_) {
      if (n.bound == nullptr) continue;
      NodeStats ns;
      ns.id = n.bound->spec->id;
      ns.component = n.bound->component->name;
      ns.kind = kind_name(n.kind);
      n.counters.fill(ns);
      for (const InputEdge& input : n.bound->inputs)
        ns.inputs.push_back(graph_.nodes[input.from].spec->id +
                            (input.dropped_port ? ".dropped" : ""));
      ns.meta_fields = n.meta_sampler.results();
      ns.meta_totals = n.meta_sampler.integer_totals();
      if (n.whole) {
        ns.second_pass = n.whole->second_pass();
        ns.second_pass_kept_batches = n.whole->kept_batches();
      }
      stats.nodes.push_back(std::move(ns));
    }
  }

  // A plugin call passed the batch time limit. It cannot be interrupted, so the run is cancelled
  // and, if the graph does not drain soon after, settings_.on_stall decides (the CLI exits).
  void on_stall(const BoundNode& node, const ShardRef* shard) {
    char limit[64];
    std::snprintf(limit, sizeof limit, "%g", settings_.batch_timeout_seconds);
    const std::string what = "did not finish a batch within the time limit (" + std::string(limit) +
                             " s, --batch-timeout)" +
                             (shard != nullptr ? " on '" + shard->uri + "'" : std::string()) +
                             ": run cancelled";
    failures_.stop(node, what);
    io::abort_all_open_outputs();
    resume_.remove_manifest();
    for (int i = 0; i < 20 && !graph_done_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!graph_done_ && settings_.on_stall)
      settings_.on_stall(RunFailures::node_label(node) + " " + what);
  }

  const BoundGraph& graph_;
  const ExecutionSettings& settings_;
  RunFailures failures_;
  Resume resume_;
  std::atomic<bool> accepting_{true};
  std::atomic<bool> graph_done_{false};
  std::atomic<bool> interrupted_{false};
  // Declared before the nodes so that the nodes (and the batches queued in them) are destroyed
  // first.
  flow::graph flow_;
  std::vector<NodeRuntime> nodes_;
  RunMeter meter_;  // after the nodes: its thread, if still running, stops before they go
  RunContext context_;
  // Last: stopped (its thread joined) before anything it may look at is destroyed.
  Watchdog watchdog_;
  std::optional<ArenaEntry> arena_entry_;  // only under ThreadSanitizer
};

}  // namespace

bool execute(const BoundGraph& graph, const ExecutionSettings& settings, RunStats& stats,
             std::vector<Diagnostic>& diagnostics) {
  const int threads = std::max(1, settings.threads);
  oneapi::tbb::global_control parallelism(oneapi::tbb::global_control::max_allowed_parallelism,
                                          static_cast<std::size_t>(threads));
  oneapi::tbb::task_arena arena(threads);
  bool ok = false;
  arena.execute([&] {
    Run run(graph, settings, diagnostics);
    ok = run.execute(stats);
  });
  return ok;
}

}  // namespace loom::runtime
