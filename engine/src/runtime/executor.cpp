#include "runtime/executor.hpp"

#include "io/io.hpp"
#include "io/output_checkpoint.hpp"
#include "runtime/batch.hpp"
#include "runtime/batch_spool.hpp"
#include "runtime/component_instance.hpp"
#include "runtime/declared_drops.hpp"
#include "runtime/exclusions.hpp"
#include "runtime/host_table.hpp"
#include "runtime/meta_sampler.hpp"
#include "runtime/node_counters.hpp"
#include "runtime/reorderer.hpp"
#include "runtime/resume.hpp"
#include "runtime/resume_plan.hpp"
#include "runtime/timeline.hpp"
#include "runtime/watchdog.hpp"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace loom::runtime {

std::pair<std::size_t, std::size_t> task_share(std::size_t shard_count, int index, int count) {
  const auto n = static_cast<unsigned long long>(shard_count);
  const auto i = static_cast<unsigned long long>(index);
  const auto k = static_cast<unsigned long long>(count);
  return {static_cast<std::size_t>(i * n / k), static_cast<std::size_t>((i + 1) * n / k)};
}

std::pair<std::size_t, std::size_t> rank_share(std::size_t shard_count, int index, int count,
                                               int rank, int ranks) {
  const auto [task_begin, task_end] = task_share(shard_count, index, count);
  const auto [begin, end] = task_share(task_end - task_begin, rank, ranks);
  return {task_begin + begin, task_begin + end};
}

namespace {

namespace flow = oneapi::tbb::flow;

// A sink's prepared token; discarded if write() never consumes it (a cancelled run).
struct PreparedToken {
  const ComponentInstance* instance = nullptr;
  void* token = nullptr;
  PreparedToken(const ComponentInstance* i, void* t) : instance(i), token(t) {}
  PreparedToken(const PreparedToken&) = delete;
  PreparedToken& operator=(const PreparedToken&) = delete;
  void* take() { return std::exchange(token, nullptr); }
  ~PreparedToken() {
    if (token != nullptr && instance->provides(&loom_component::discard))
      instance->api().discard(instance->self(), token);
  }
};

struct Delivery {
  BatchPtr batch;
  std::uint32_t edge = 0;
  std::shared_ptr<PreparedToken> prepared;
};

struct Consumer {
  std::size_t node = 0;
  std::uint32_t edge = 0;
};

using WorkNode = flow::function_node<Delivery, flow::continue_msg>;

struct SourceState {
  std::vector<std::shared_ptr<const ShardRef>> shards;
  std::size_t next_shard = 0;
  void* reader = nullptr;
  std::uint64_t next_seq = 0;
  std::int64_t discard_through = -1;  // resumed: batches already written by every sink
  std::unique_ptr<flow::input_node<BatchPtr>> input;
  std::unique_ptr<flow::limiter_node<BatchPtr, long>> limiter;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch;
};

// A stage that sees its whole input first: observe() fills the spool as batches arrive; once the
// upstream is done, `replay` (an input node, like a source's) feeds the spool's batches through
// process(), in order, under the same in-flight limit a source has.
struct WholeInputStage {
  std::unique_ptr<BatchSpool> spool;
  std::unique_ptr<flow::input_node<BatchPtr>> replay;
  std::unique_ptr<flow::limiter_node<BatchPtr, long>> limiter;
  std::unique_ptr<flow::function_node<BatchPtr, flow::continue_msg>> dispatch;
  std::vector<std::size_t> upstream;  // whole-input stages this one's input passes through
  bool started = false;
};

struct NodeRuntime {
  const BoundNode* bound = nullptr;
  NodeKind kind = NodeKind::source;
  std::unique_ptr<ComponentInstance> instance;
  NodeCounters counters;
  MetaSampler meta_sampler;            // samples only when the run collects a report
  std::vector<Consumer> consumers[2];  // [0] main output, [1] dropped port
  std::uint32_t input_edges = 0;
  std::unique_ptr<Reorderer<Delivery>> reorder;
  std::unique_ptr<WorkNode> work;    // process(), or a sink's prepare()
  std::unique_ptr<WorkNode> writer;  // a sink's write()
  SourceState source;
  std::unique_ptr<WholeInputStage> whole;
  std::int64_t resume_written = -1;  // a resumed sink: batches up to this one are written

  const std::string& id() const { return bound->spec->id; }
};

std::string plugin_file_name_of(const ComponentInfo& info) {
  return std::filesystem::path(info.plugin->file).filename().string();
}

bool is_dropped(const Document& doc) { return !doc.drop_reason.empty(); }

class Run {
 public:
  Run(const BoundGraph& graph, const ExecutionSettings& settings,
      std::vector<Diagnostic>& diagnostics)
      : graph_(graph),
        settings_(settings),
        diagnostics_(diagnostics),
        nodes_(graph.nodes.size()),
        resume_(settings.manifest_path, settings.checkpoint_seconds),
        watchdog_(
            settings.batch_timeout_seconds, [this](const void* node, const void* shard, double) {
              on_stall(*static_cast<const NodeRuntime*>(node), static_cast<const ShardRef*>(shard));
            }) {}

  ~Run() {
    // Tickets released while nodes are torn down must not touch the limiters any more.
    accepting_ = false;
  }

  bool execute(RunStats& stats) {
    const auto start = std::chrono::steady_clock::now();
    io::reset_output_tracking();
    io::reset_input_guard();
    bool ok = create_components() && list_shards() && outputs_spare_inputs() && prepare_resume();
    if (ok) {
      build_graph();
      ok = run_graph(start);
      if (ok) ok = finish_all() && complete_resume();
    }
    if (!ok && interrupted_ && resume_.enabled() && (resume_written_ || resume_.loaded())) {
      // Stopped by a signal (e.g. a scheduler's SIGTERM before its SIGKILL): keep what the
      // manifest points to, so that rerunning resumes like after a kill.
      io::keep_temporaries_for_resume();
    } else if (!ok) {
      io::abort_all_open_outputs();
      // Temporary files are gone, so the manifest cannot be used: the next run starts over.
      if (resume_.loaded() || resume_written_) resume_.remove_manifest();
    }
    fill_stats(stats, start);
    return ok;
  }

 private:
  // -- set-up ------------------------------------------------------------------------------
  bool create_components() {
    for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      n.bound = &graph_.nodes[i];
      n.kind = n.bound->component->kind;
      loom_error err = fresh_error();
      n.instance = ComponentInstance::create(*n.bound, err);
      if (!n.instance) {
        report(n, "could not be created: " + std::string(err.message));
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
    for (NodeRuntime& n : nodes_) {
      if (n.kind != NodeKind::source) continue;
      const loom_component& api = n.instance->api();
      if (!n.instance->provides(&loom_component::list_shards) ||
          !n.instance->provides(&loom_component::read)) {
        report(n, "is a source without list_shards/read functions");
        return false;
      }
      HostList list;
      loom_error err = fresh_error();
      if (api.list_shards(n.instance->self(), as_list(&list), &err) != 0) {
        report(n, "could not list its input: " + std::string(err.message));
        return false;
      }
      // Every shard, not just this task's: another task's input is no place for output either.
      for (const std::string& item : list.items) io::guard_input(item);
      const auto [begin, end] =
          rank_share(list.items.size(), settings_.task_index, settings_.task_count,
                     settings_.rank_index, settings_.rank_count);
      for (std::size_t k = begin; k < end; ++k) {
        auto shard = std::make_shared<ShardRef>();
        shard->uri = list.items[k];
        shard->index = k;
        n.source.shards.push_back(std::move(shard));
      }
      shards_total_ += n.source.shards.size();
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
      Diagnostic d;
      d.message = e.what();
      diagnostics_.push_back(std::move(d));
      return false;
    }
    return true;
  }

  void build_graph() {
    const std::size_t in_flight = std::max<std::size_t>(1, settings_.max_batches_in_flight);
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      const ComponentInfo& info = n.instance->info();
      if (n.kind == NodeKind::source) {
        SourceState& s = n.source;
        s.input = std::make_unique<flow::input_node<BatchPtr>>(
            flow_, [this, &n](oneapi::tbb::flow_control& fc) { return read_next(n, fc); });
        s.limiter = std::make_unique<flow::limiter_node<BatchPtr, long>>(flow_, in_flight);
        s.dispatch = std::make_unique<flow::function_node<BatchPtr, flow::continue_msg>>(
            flow_, flow::unlimited, [this, &n](BatchPtr batch) {
              deliver(n.consumers[0], std::move(batch));
              return flow::continue_msg();
            });
        flow::make_edge(*s.input, *s.limiter);
        flow::make_edge(*s.limiter, *s.dispatch);
        continue;
      }
      if (info.whole_input()) {
        build_whole_input(i, in_flight);
        continue;
      }
      const bool ordered = n.kind == NodeKind::sink || info.order_sensitive();
      if (ordered) {
        n.reorder = std::make_unique<Reorderer<Delivery>>(n.input_edges);
        // A resumed source's first batch sent on (those before it are read and discarded).
        const SourceState& from = nodes_[n.bound->source].source;
        n.reorder->start_at(std::max<std::int64_t>(static_cast<std::int64_t>(from.next_seq),
                                                   from.discard_through + 1));
      }
      if (n.kind == NodeKind::sink) {
        n.work = std::make_unique<WorkNode>(flow_, flow::unlimited, [this, &n](Delivery d) {
          prepare(n, std::move(d));
          return flow::continue_msg();
        });
        n.writer = std::make_unique<WorkNode>(flow_, flow::serial, [this, &n](Delivery d) {
          write(n, std::move(d));
          return flow::continue_msg();
        });
      } else {
        const bool concurrent = info.thread_safe() && !info.order_sensitive();
        n.work = std::make_unique<WorkNode>(flow_, concurrent ? flow::unlimited : flow::serial,
                                            [this, &n](Delivery d) {
                                              process(n, std::move(d));
                                              return flow::continue_msg();
                                            });
      }
    }
  }

  void build_whole_input(std::size_t index, std::size_t in_flight) {
    NodeRuntime& n = nodes_[index];
    n.whole = std::make_unique<WholeInputStage>();
    WholeInputStage& w = *n.whole;
    w.spool =
        std::make_unique<BatchSpool>(settings_.buffer_memory_bytes, settings_.spill_dir, n.id());
    n.reorder = std::make_unique<Reorderer<Delivery>>(n.input_edges);
    n.work = std::make_unique<WorkNode>(flow_, flow::serial, [this, &n](Delivery d) {
      observe(n, std::move(d));
      return flow::continue_msg();
    });
    w.replay = std::make_unique<flow::input_node<BatchPtr>>(
        flow_, [this, &n](oneapi::tbb::flow_control& fc) { return replay_next(n, fc); });
    w.limiter = std::make_unique<flow::limiter_node<BatchPtr, long>>(flow_, in_flight);
    w.dispatch = std::make_unique<flow::function_node<BatchPtr, flow::continue_msg>>(
        flow_, flow::unlimited, [this, &n](BatchPtr batch) {
          route(n, std::move(batch));
          return flow::continue_msg();
        });
    flow::make_edge(*w.replay, *w.limiter);
    flow::make_edge(*w.limiter, *w.dispatch);
    // The whole-input stages upstream, which must have replayed before this one's input is whole.
    std::vector<std::size_t> stack{index};
    std::vector<bool> seen(nodes_.size(), false);
    while (!stack.empty()) {
      const std::size_t at = stack.back();
      stack.pop_back();
      for (const auto& input : graph_.nodes[at].inputs) {
        if (seen[input.from]) continue;
        seen[input.from] = true;
        if (graph_.nodes[input.from].component->whole_input()) w.upstream.push_back(input.from);
        stack.push_back(input.from);
      }
    }
  }

  // -- the data path -------------------------------------------------------------------------
  BatchPtr read_next(NodeRuntime& n, oneapi::tbb::flow_control& fc) {
    SourceState& s = n.source;
    const loom_component& api = n.instance->api();
    while (true) {
      if (failed_ || interrupted()) {
        if (!failed_) {
          interrupted_ = true;
          report_once(n, "was interrupted");
        }
        close_reader(n);
        fc.stop();
        return {};
      }
      if (s.reader == nullptr) {
        if (s.next_shard >= s.shards.size()) {
          fc.stop();
          return {};
        }
        const ShardRef& shard = *s.shards[s.next_shard];
        loom_error err = fresh_error();
        void* reader = nullptr;
        int rc = 0;
        {
          BusyTimer timer(n.counters);
          Watchdog::Scope watch(watchdog_, &n, &shard);
          rc = api.open_shard(n.instance->self(), loom_str{shard.uri.data(), shard.uri.size()},
                              shard.index, &reader, &err);
        }
        if (rc != 0) {
          fail(n, err, s.shards[s.next_shard].get(), nullptr);
          fc.stop();
          return {};
        }
        s.reader = reader;
        resume_.on_shard_open(static_cast<std::size_t>(&n - nodes_.data()), shard.index,
                              s.next_seq);
      }
      auto batch = std::make_shared<Batch>();
      batch->shard = s.shards[s.next_shard];
      loom_error err = fresh_error();
      std::int32_t done = 0;
      int rc = 0;
      {
        BusyTimer timer(n.counters);
        Watchdog::Scope watch(watchdog_, &n, batch->shard.get());
        rc = api.read(n.instance->self(), s.reader, reinterpret_cast<loom_batch*>(batch.get()),
                      settings_.batch_bytes, &done, &err);
      }
      if (rc != 0) {
        fail(n, err, batch->shard.get(), batch.get());
        close_reader(n);
        fc.stop();
        return {};
      }
      std::uint64_t skipped = 0;
      for (const auto& [reason, count] : batch->skipped) skipped += count;
      if (skipped > 0) {
        n.counters.add_batch(skipped, 0, 0);  // skipped records entered the source too
        n.counters.add_dropped(batch->skipped);
        if (std::string undeclared = undeclared_drop_reason(*n.bound->component, batch->skipped);
            !undeclared.empty()) {
          report_once(n, undeclared);
          close_reader(n);
          fc.stop();
          return {};
        }
      }
      if (done != 0) {
        close_reader(n);
        ++s.next_shard;
        shards_done_.fetch_add(1, std::memory_order_relaxed);
      }
      if (batch->docs.empty()) continue;
      batch->seq = s.next_seq++;
      if (static_cast<std::int64_t>(batch->seq) <= s.discard_through) continue;  // resumed
      auto* limiter = s.limiter.get();
      batch->ticket = std::make_shared<Ticket>([this, limiter] {
        if (accepting_) limiter->decrementer().try_put(1);
      });
      const std::uint64_t bytes = batch->text_bytes();
      n.counters.add_batch(batch->docs.size(), bytes, 1);
      n.counters.add_kept(batch->docs.size());
      docs_read_.fetch_add(batch->docs.size(), std::memory_order_relaxed);
      bytes_read_.fetch_add(bytes, std::memory_order_relaxed);
      return batch;
    }
  }

  void close_reader(NodeRuntime& n) {
    if (n.source.reader == nullptr) return;
    if (n.instance->provides(&loom_component::close_shard))
      n.instance->api().close_shard(n.instance->self(), n.source.reader);
    n.source.reader = nullptr;
  }

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
    if (failed_) return;
    NodeRuntime& n = nodes_[consumer.node];
    Delivery d{std::move(batch), consumer.edge, nullptr};
    if (n.reorder && n.kind != NodeKind::sink) {
      const std::uint64_t seq = d.batch->seq;
      n.reorder->push(seq, consumer.edge, std::move(d),
                      [&n](Delivery&& ready) { n.work->try_put(std::move(ready)); });
    } else {
      n.work->try_put(std::move(d));
    }
  }

  // First pass of a whole-input stage: observe() the batch, then keep it for the replay. Its
  // ticket goes, so the sources keep reading: the spool's budget bounds the memory instead.
  void observe(NodeRuntime& n, Delivery d) {
    if (failed_) return;
    Batch& batch = *d.batch;
    n.counters.add_batch(batch.docs.size(), batch.text_bytes(), 1);
    if (n.instance->provides(&loom_component::observe)) {
      loom_error err = fresh_error();
      int rc = 0;
      {
        BusyTimer timer(n.counters);
        rc = n.instance->api().observe(n.instance->self(),
                                       reinterpret_cast<const loom_batch*>(&batch), &err);
      }
      if (rc != 0) {
        fail(n, err, batch.shard.get(), &batch);
        return;
      }
    }
    try {
      n.whole->spool->push(std::move(d.batch));
    } catch (const std::exception& e) {
      report_once(n, std::string("could not keep its input: ") + e.what());
    }
  }

  // Second pass: the next kept batch through process(), in order, on the replay's input node.
  BatchPtr replay_next(NodeRuntime& n, oneapi::tbb::flow_control& fc) {
    if (failed_ || interrupted()) {
      if (!failed_) report_once(n, "was interrupted");
      fc.stop();
      return {};
    }
    BatchPtr batch;
    try {
      batch = n.whole->spool->next();
    } catch (const std::exception& e) {
      report_once(n, std::string("could not read back its input: ") + e.what());
    }
    if (!batch) {
      fc.stop();
      return {};
    }
    loom_error err = fresh_error();
    int rc = 0;
    {
      BusyTimer timer(n.counters);
      rc = n.instance->api().process(n.instance->self(), reinterpret_cast<loom_batch*>(batch.get()),
                                     &err);
    }
    if (rc != 0) {
      fail(n, err, batch->shard.get(), batch.get());
      fc.stop();
      return {};
    }
    auto* limiter = n.whole->limiter.get();
    batch->ticket = std::make_shared<Ticket>([this, limiter] {
      if (accepting_) limiter->decrementer().try_put(1);
    });
    return batch;
  }

  // Starts the replay of every whole-input stage whose input is now complete (no whole-input
  // stage upstream still to replay); returns whether any started. Called between waits.
  bool start_ready_replays() {
    std::vector<NodeRuntime*> ready;
    for (NodeRuntime& n : nodes_) {
      if (!n.whole || n.whole->started) continue;
      bool complete = true;
      for (const std::size_t u : n.whole->upstream) complete = complete && nodes_[u].whole->started;
      if (complete) ready.push_back(&n);
    }
    for (NodeRuntime* n : ready) n->whole->started = true;
    for (NodeRuntime* n : ready) n->whole->replay->activate();
    return !ready.empty();
  }

  void process(NodeRuntime& n, Delivery d) {
    if (failed_) return;
    Batch& batch = *d.batch;
    n.counters.add_batch(batch.docs.size(), batch.text_bytes(), 1);
    const std::size_t meta_before = batch.meta.size();
    loom_error err = fresh_error();
    int rc = 0;
    {
      BusyTimer timer(n.counters);
      Watchdog::Scope watch(watchdog_, &n, batch.shard.get());
      rc = n.instance->api().process(n.instance->self(), reinterpret_cast<loom_batch*>(&batch),
                                     &err);
    }
    if (rc != 0) {
      fail(n, err, batch.shard.get(), &batch);
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
    std::uint64_t kept = 0;
    for (const Document& doc : batch->docs) {
      if (doc.drop_reason.empty()) {
        ++kept;
      } else {
        auto it = reasons.find(doc.drop_reason);
        if (it == reasons.end()) it = reasons.emplace(std::string(doc.drop_reason), 0).first;
        ++it->second;
      }
    }
    n.counters.add_kept(kept);
    n.counters.add_dropped(reasons);
    if (std::string undeclared = undeclared_drop_reason(*n.bound->component, reasons);
        !undeclared.empty())
      return report_once(n, undeclared);
    BatchPtr dropped;
    if (!n.consumers[1].empty()) {
      dropped = batch->select(is_dropped);
      mark_exclusions(*dropped, n.id());
    }
    if (!reasons.empty()) batch->erase_if(is_dropped);
    deliver(n.consumers[0], std::move(batch));
    if (dropped) deliver(n.consumers[1], std::move(dropped));
  }

  void prepare(NodeRuntime& n, Delivery d) {
    if (failed_) return;
    const bool written = static_cast<std::int64_t>(d.batch->seq) <= n.resume_written;
    if (!written && n.instance->provides(&loom_component::prepare)) {
      loom_error err = fresh_error();
      void* token = nullptr;
      int rc = 0;
      {
        BusyTimer timer(n.counters);
        Watchdog::Scope watch(watchdog_, &n, d.batch->shard.get());
        io::OutputOwnerScope owner(static_cast<int>(&n - nodes_.data()));
        rc = n.instance->api().prepare(n.instance->self(),
                                       reinterpret_cast<loom_batch*>(d.batch.get()), &token, &err);
      }
      if (rc != 0) {
        fail(n, err, d.batch->shard.get(), d.batch.get());
        return;
      }
      d.prepared = std::make_shared<PreparedToken>(n.instance.get(), token);
    }
    const std::uint64_t seq = d.batch->seq;
    const std::uint32_t edge = d.edge;
    n.reorder->push(seq, edge, std::move(d),
                    [&n](Delivery&& ready) { n.writer->try_put(std::move(ready)); });
  }

  void write(NodeRuntime& n, Delivery d) {
    if (failed_) return;
    Batch& batch = *d.batch;
    if (static_cast<std::int64_t>(batch.seq) <= n.resume_written) return;  // before the crash
    n.counters.add_batch(batch.docs.size(), batch.text_bytes(), 1);
    void* token = d.prepared ? d.prepared->take() : nullptr;
    loom_error err = fresh_error();
    int rc = 0;
    {
      BusyTimer timer(n.counters);
      Watchdog::Scope watch(watchdog_, &n, batch.shard.get());
      io::OutputOwnerScope owner(static_cast<int>(&n - nodes_.data()));
      rc = n.instance->api().write(n.instance->self(), reinterpret_cast<loom_batch*>(&batch), token,
                                   &err);
    }
    if (rc != 0) {
      fail(n, err, batch.shard.get(), &batch);
      return;
    }
    n.counters.add_kept(batch.docs.size());
    if (d.edge + 1 == n.input_edges) {
      try {
        if (resume_.after_write(static_cast<std::size_t>(&n - nodes_.data()), batch.seq))
          resume_written_ = true;
      } catch (const std::exception& e) {
        report_once(n, std::string("could not record a resume checkpoint: ") + e.what());
      }
    }
  }

  // -- running -------------------------------------------------------------------------------
  bool run_graph(std::chrono::steady_clock::time_point start) {
    std::mutex progress_mutex;
    std::condition_variable progress_wake;
    bool done = false;
    std::thread progress;
    if (settings_.collect_report) timeline_.add(timeline_point(start));
    if (settings_.on_progress || settings_.collect_report) {
      progress = std::thread([&] {
        std::unique_lock lock(progress_mutex);
        while (!progress_wake.wait_for(lock, std::chrono::milliseconds(500), [&] { return done; }))
          tick(start, false);
      });
    }
    bool ok = true;
    try {
      for (NodeRuntime& n : nodes_)
        if (n.kind == NodeKind::source) n.source.input->activate();
      flow_.wait_for_all();
      while (!failed_ && start_ready_replays()) flow_.wait_for_all();
      graph_done_ = true;
      check_drained();
    } catch (const std::exception& e) {
      report_once(nodes_.front(), std::string("stopped on an internal error: ") + e.what());
      ok = false;
    }
    if (progress.joinable()) {
      {
        std::lock_guard lock(progress_mutex);
        done = true;
      }
      progress_wake.notify_all();
      progress.join();
      tick(start, true);
    }
    return ok && !failed_;
  }

  // A batch left in a reorderer means one it waits for never came: the output would be
  // incomplete, so this is an error, never a success.
  void check_drained() {
    if (failed_) return;
    for (NodeRuntime& n : nodes_) {
      if (!n.reorder || n.reorder->waiting() == 0) continue;
      report_once(n, "stopped with " + std::to_string(n.reorder->waiting()) +
                         " batches waiting for an earlier one that never came (internal error)");
      return;
    }
  }

  // One beat of the sampling thread (and the last one, after the graph drained).
  void tick(std::chrono::steady_clock::time_point start, bool last) {
    if (settings_.on_progress) settings_.on_progress(sample(start));
    if (settings_.collect_report) timeline_.add(timeline_point(start), last);
  }

  TimelinePoint timeline_point(std::chrono::steady_clock::time_point start) const {
    TimelinePoint p;
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    p.docs_read = docs_read_.load();
    p.bytes_read = bytes_read_.load();
    for (const NodeRuntime& n : nodes_) p.docs_out.push_back(n.counters.kept());
    return p;
  }

  bool finish_all() {
    // Sinks last: their finish commits output files, which must only happen once every other
    // component has finished without error.
    for (const bool sinks : {false, true}) {
      for (NodeRuntime& n : nodes_) {
        if ((n.kind == NodeKind::sink) != sinks) continue;
        if (!n.instance->provides(&loom_component::finish)) continue;
        loom_error err = fresh_error();
        int rc = 0;
        {
          BusyTimer timer(n.counters);
          io::OutputOwnerScope owner(static_cast<int>(&n - nodes_.data()));
          rc = n.instance->api().finish(n.instance->self(), &err);
        }
        if (rc != 0) {
          fail(n, err, nullptr, nullptr);
          return false;
        }
      }
    }
    return true;
  }

  // -- resume (resume.hpp) -------------------------------------------------------------------
  bool prepare_resume() {
    if (!resume_.enabled()) return true;
    std::map<std::size_t, std::vector<std::string>> shard_uris;
    std::map<std::size_t, std::string> ids;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      ids[i] = nodes_[i].id();
      for (const auto& shard : nodes_[i].source.shards) shard_uris[i].push_back(shard->uri);
    }
    const std::string fingerprint = run_fingerprint(graph_, shard_uris, settings_.batch_bytes,
                                                    settings_.task_index, settings_.task_count);
    const std::string error = resume_.load(fingerprint, settings_.restart, ids);
    if (!error.empty()) {
      Diagnostic d;
      d.message = error;
      diagnostics_.push_back(std::move(d));
      failed_ = true;
      return false;
    }
    if (!resume_.loaded()) return true;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      if (n.kind != NodeKind::sink) continue;
      n.resume_written = resume_.sink_written(i);
      io::adopt_outputs(static_cast<int>(i), resume_.sink_outputs(i));
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      NodeRuntime& n = nodes_[i];
      if (n.kind != NodeKind::source) continue;
      std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
      bool replay_all = false;
      for (const NodeRuntime& other : nodes_) {
        if (&other == &n || other.bound->source != i) continue;
        if (other.kind == NodeKind::sink) oldest = std::min(oldest, other.resume_written);
        // Stages with state across batches must see every document again.
        if (other.instance->info().order_sensitive() || other.instance->info().whole_input())
          replay_all = true;
      }
      if (oldest == std::numeric_limits<std::int64_t>::max()) oldest = -1;
      std::vector<std::uint64_t> indexes;
      for (const auto& shard : n.source.shards) indexes.push_back(shard->index);
      const SourceStart start =
          plan_source_start(indexes, resume_.shard_starts(i), oldest, replay_all);
      n.source.next_shard = start.position;
      n.source.next_seq = start.seq;
      n.source.discard_through = start.discard_through;
      shards_done_ += start.position;
    }
    return true;
  }

  bool complete_resume() {
    try {
      io::commit_adopted_outputs();
    } catch (const std::exception& e) {
      report_once(nodes_.front(), std::string("could not finish a resumed output: ") + e.what());
      return false;
    }
    resume_.remove_manifest();
    return true;
  }

  Progress sample(std::chrono::steady_clock::time_point start) const {
    Progress p;
    p.docs_read = docs_read_.load();
    p.bytes_read = bytes_read_.load();
    p.shards_done = shards_done_.load();
    p.shards_total = shards_total_;
    p.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return p;
  }

  void fill_stats(RunStats& stats, std::chrono::steady_clock::time_point start) const {
    stats.threads = settings_.threads;
    stats.task_index = settings_.task_index;
    stats.task_count = settings_.task_count;
    stats.shards_total = shards_total_;
    stats.shards_done = shards_done_.load();
    stats.docs_read = docs_read_.load();
    stats.bytes_read = bytes_read_.load();
    stats.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stats.nodes.clear();
    for (const NodeRuntime& n : nodes_) {
      if (n.bound == nullptr) continue;
      NodeStats ns;
      ns.id = n.id();
      ns.component = n.bound->component->name;
      ns.kind = kind_name(n.kind);
      n.counters.fill(ns);
      for (const InputEdge& input : n.bound->inputs)
        ns.inputs.push_back(graph_.nodes[input.from].spec->id +
                            (input.dropped_port ? ".dropped" : ""));
      ns.meta_fields = n.meta_sampler.results();
      ns.meta_totals = n.meta_sampler.integer_totals();
      stats.nodes.push_back(std::move(ns));
    }
    stats.timeline = timeline_.points();
  }

  // -- failures ------------------------------------------------------------------------------
  bool interrupted() const {
    return settings_.interrupt != nullptr && settings_.interrupt->load(std::memory_order_relaxed);
  }

  std::string node_label(const NodeRuntime& n) const {
    const ComponentInfo& info = *n.bound->component;
    return "node '" + n.id() + "' (" + info.name + ", " + plugin_file_name_of(info) + ")";
  }

  // Records the first runtime failure as one diagnostic and cancels the graph.
  void fail(const NodeRuntime& n, const loom_error& err, const ShardRef* shard,
            const Batch* batch) {
    std::string where;
    if (shard != nullptr) where += " on '" + shard->uri + "'";
    if (err.line > 0) {
      where += " line " + std::to_string(err.line);
    } else if (batch != nullptr && err.record >= 0 &&
               static_cast<std::size_t>(err.record) < batch->docs.size()) {
      where += " record " +
               std::to_string(batch->docs[static_cast<std::size_t>(err.record)].record_index);
    }
    report_once(n, "failed" + where + ": " + err.message);
  }

  void report_once(const NodeRuntime& n, const std::string& what) {
    {
      std::lock_guard lock(failure_mutex_);
      if (failed_) return;
      failed_ = true;
      Diagnostic d;
      d.message = node_label(n) + " " + what;
      diagnostics_.push_back(std::move(d));
    }
    flow_.cancel();
  }

  // A plugin call passed the batch time limit. It cannot be interrupted, so the run is cancelled
  // and, if the graph does not drain soon after, settings_.on_stall decides (the CLI exits).
  void on_stall(const NodeRuntime& n, const ShardRef* shard) {
    char limit[64];
    std::snprintf(limit, sizeof limit, "%g", settings_.batch_timeout_seconds);
    const std::string what = "did not finish a batch within the time limit (" + std::string(limit) +
                             " s, --batch-timeout)" +
                             (shard != nullptr ? " on '" + shard->uri + "'" : std::string()) +
                             ": run cancelled";
    report_once(n, what);
    io::abort_all_open_outputs();
    resume_.remove_manifest();
    for (int i = 0; i < 20 && !graph_done_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!graph_done_ && settings_.on_stall) settings_.on_stall(node_label(n) + " " + what);
  }

  // Failures before the graph runs (creating components, listing shards).
  void report(const NodeRuntime& n, const std::string& what) {
    Diagnostic d;
    d.message = node_label(n) + " " + what;
    diagnostics_.push_back(std::move(d));
    failed_ = true;
  }

  const BoundGraph& graph_;
  const ExecutionSettings& settings_;
  std::vector<Diagnostic>& diagnostics_;

  // Declared before the nodes so that the nodes (and the batches queued in them) are destroyed
  // first.
  flow::graph flow_;
  std::vector<NodeRuntime> nodes_;

  std::atomic<bool> failed_{false};
  std::atomic<bool> accepting_{true};
  std::atomic<bool> graph_done_{false};
  Resume resume_;
  std::atomic<bool> resume_written_{false};
  std::atomic<bool> interrupted_{false};
  std::mutex failure_mutex_;
  std::uint64_t shards_total_ = 0;
  std::atomic<std::uint64_t> shards_done_{0}, docs_read_{0}, bytes_read_{0};
  Timeline timeline_;  // touched by the sampling thread only, then after it joined
  // Last: stopped (its thread joined) before anything it may look at is destroyed.
  Watchdog watchdog_;
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
