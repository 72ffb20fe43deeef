// loom/testing/instance.hpp: load a plugin (a .so, or a descriptor in the same binary), create one
// of its components with bound options and run it: process a batch, read a source, feed a sink.
#pragma once

#include <dlfcn.h>
#include <loom/plugin.h>
#include <loom/plugin.hpp>
#include <loom/testing/document.hpp>
#include <loom/testing/host.hpp>
#include <loom/testing/options.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::testing {

inline loom_error fresh_error() { return ::loom::detail::fresh_error(); }

// Turns a failed call's loom_error into a loom::Error carrying code, record, line and offset.
inline void check(int rc, const loom_error& err) { ::loom::detail::check(rc, err); }

class Plugin {
 public:
  // Loads a plugin .so and keeps it loaded for the life of the process (like the engine does).
  static Plugin load(const std::string& path) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error("cannot load '" + path + "': " + ::dlerror());
    auto entry = reinterpret_cast<loom_plugin_entry_fn>(::dlsym(handle, LOOM_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr)
      throw std::runtime_error("'" + path + "' does not export " LOOM_PLUGIN_ENTRY_SYMBOL);
    return from(entry(), path);
  }
  // A plugin whose LOOM_PLUGIN(...) is compiled into the test binary: from(loom_plugin_entry()).
  static Plugin from(const loom_plugin* plugin, std::string origin = "(in-process)") {
    if (plugin == nullptr || plugin->abi_major != LOOM_ABI_MAJOR ||
        plugin->abi_minor > LOOM_ABI_MINOR)
      throw std::runtime_error("'" + origin + "' was built for an incompatible ABI");
    return Plugin(plugin);
  }

  const loom_plugin& descriptor() const { return *plugin_; }
  const loom_component& component(std::string_view name) const {
    for (std::size_t i = 0; i < plugin_->component_count; ++i)
      if (name == plugin_->components[i]->name) return *plugin_->components[i];
    throw std::runtime_error("plugin '" + std::string(plugin_->name) + "' has no component '" +
                             std::string(name) + "'");
  }

 private:
  explicit Plugin(const loom_plugin* plugin) : plugin_(plugin) {}
  const loom_plugin* plugin_;
};

// Binds options and runs the component's validate(); throws loom::Error on any problem.
inline void check_options(const loom_component& component, const OptionMap& options) {
  BoundOptions bound(component, options);
  if (component.validate != nullptr) {
    loom_error err = fresh_error();
    check(component.validate(bound.data(), bound.size(), &err), err);
  }
}

// One created component. Every failure is rethrown as loom::Error.
class Instance {
 public:
  Instance(const loom_component& component, const OptionMap& options) : component_(component) {
    BoundOptions bound(component, options);
    loom_error err = fresh_error();
    if (component.validate != nullptr)
      check(component.validate(bound.data(), bound.size(), &err), err);
    check(component.create(&host_table(), bound.data(), bound.size(), &self_, &err), err);
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    if (self_ != nullptr) component_.destroy(self_);
  }

  const loom_component& component() const { return component_; }

  // Cleaners, filters, dedupers: runs process() on one batch and returns the documents after it.
  std::vector<Document> process(const BatchInput& input) {
    detail::HarnessBatch batch = make_batch(input);
    loom_error err = fresh_error();
    check(component_.process(self_, reinterpret_cast<loom_batch*>(&batch), &err), err);
    return {std::make_move_iterator(batch.docs.begin()), std::make_move_iterator(batch.docs.end())};
  }
  std::vector<Document> process(std::vector<Document> docs) {
    return process(BatchInput{"test.jsonl", 0, std::move(docs)});
  }

  // Runs the batches the way the engine runs a stage: for a component with LOOM_FLAG_WHOLE_INPUT,
  // observe() on every batch first (when it has one), then process() on each; otherwise just
  // process() on each. Returns the documents after process(), batch by batch.
  std::vector<std::vector<Document>> process_all(const std::vector<BatchInput>& inputs) {
    std::deque<detail::HarnessBatch> batches;  // deque: documents may point at their batch
    for (const BatchInput& input : inputs) batches.push_back(make_batch(input));
    if ((component_.flags & LOOM_FLAG_WHOLE_INPUT) != 0 && component_.observe != nullptr) {
      for (auto& batch : batches) {
        loom_error err = fresh_error();
        check(component_.observe(self_, reinterpret_cast<const loom_batch*>(&batch), &err), err);
      }
    }
    std::vector<std::vector<Document>> out;
    for (auto& batch : batches) {
      loom_error err = fresh_error();
      check(component_.process(self_, reinterpret_cast<loom_batch*>(&batch), &err), err);
      out.emplace_back(std::make_move_iterator(batch.docs.begin()),
                       std::make_move_iterator(batch.docs.end()));
    }
    return out;
  }
  // The same with every batch from "test.jsonl".
  std::vector<std::vector<Document>> process_all(std::vector<std::vector<Document>> batches) {
    std::vector<BatchInput> inputs;
    for (auto& docs : batches) inputs.push_back(BatchInput{"test.jsonl", 0, std::move(docs)});
    return process_all(inputs);
  }

  // Sources.
  std::vector<std::string> shards() {
    std::vector<std::string> out;
    loom_error err = fresh_error();
    check(component_.list_shards(self_, reinterpret_cast<loom_list*>(&out), &err), err);
    return out;
  }
  // Reads every shard to the end, in order; each document records its shard.
  std::vector<Document> read_all(std::size_t target_bytes = 1 << 20) {
    std::vector<Document> out;
    std::vector<std::string> list = shards();
    for (std::uint64_t index = 0; index < list.size(); ++index) {
      for (auto& batch : read_shard(list[index], index, target_bytes))
        for (auto& doc : batch) out.push_back(std::move(doc));
    }
    return out;
  }
  // Reads one shard; returns the batches as the source filled them.
  std::vector<std::vector<Document>> read_shard(const std::string& shard, std::uint64_t index,
                                                std::size_t target_bytes = 1 << 20) {
    std::vector<std::vector<Document>> batches;
    void* reader = nullptr;
    loom_error err = fresh_error();
    check(component_.open_shard(self_, detail::cs(shard), index, &reader, &err), err);
    struct Closer {
      Instance* self;
      void* reader;
      ~Closer() { self->component_.close_shard(self->self_, reader); }
    } closer{this, reader};
    for (std::int32_t done = 0; done == 0;) {
      detail::HarnessBatch batch;
      batch.shard = shard;
      batch.shard_index = index;
      err = fresh_error();
      check(component_.read(self_, reader, reinterpret_cast<loom_batch*>(&batch), target_bytes,
                            &done, &err),
            err);
      std::vector<Document> docs;
      for (auto& doc : batch.docs) {
        doc.shard = shard;
        docs.push_back(std::move(doc));
      }
      if (!docs.empty()) batches.push_back(std::move(docs));
    }
    return batches;
  }

  // Sinks: prepare (when the sink has one) then write, like the engine does for one batch.
  void write(const BatchInput& input) {
    detail::HarnessBatch batch = make_batch(input);
    auto* raw = reinterpret_cast<loom_batch*>(&batch);
    void* token = nullptr;
    loom_error err = fresh_error();
    if (component_.prepare != nullptr) check(component_.prepare(self_, raw, &token, &err), err);
    check(component_.write(self_, raw, token, &err), err);
  }
  // Sinks: the shard is complete, as the engine says right after its last batch (ABI 1.3; a
  // no-op for a sink without end_shard).
  void end_shard(std::uint64_t shard_index) {
    if (component_.struct_size <
            offsetof(loom_component, end_shard) + sizeof component_.end_shard ||
        component_.end_shard == nullptr)
      return;
    loom_error err = fresh_error();
    check(component_.end_shard(self_, shard_index, &err), err);
  }
  void finish() {
    loom_error err = fresh_error();
    if (component_.finish != nullptr) check(component_.finish(self_, &err), err);
  }
  // Writes every batch in order, ending each shard after its last batch, then finishes.
  void run_sink(const std::vector<BatchInput>& batches) {
    for (std::size_t i = 0; i < batches.size(); ++i) {
      write(batches[i]);
      if (i + 1 == batches.size() || batches[i + 1].shard_index != batches[i].shard_index)
        end_shard(batches[i].shard_index);
    }
    finish();
  }

 private:
  static detail::HarnessBatch make_batch(const BatchInput& input) {
    detail::HarnessBatch batch;
    batch.shard = input.shard;
    batch.shard_index = input.shard_index;
    batch.docs.assign(input.docs.begin(), input.docs.end());
    return batch;
  }

  const loom_component& component_;
  void* self_ = nullptr;
};

}  // namespace loom::testing
