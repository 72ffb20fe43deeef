#include "runtime/component_instance.hpp"

#include "io/output_checkpoint.hpp"
#include "runtime/host_table.hpp"

#include <cstdio>

namespace loom::runtime {

loom_error fresh_error() {
  loom_error err{};
  err.struct_size = sizeof(loom_error);
  err.record = -1;
  err.line = -1;
  err.byte_offset = -1;
  return err;
}

std::unique_ptr<ComponentInstance> ComponentInstance::create(const BoundNode& node, CallScope scope,
                                                             loom_error& error) {
  const ComponentInfo* info = node.component;
  const loom_component* c = info->component;
  if (!info->has(&loom_component::create) || c->create == nullptr) {
    error.code = LOOM_ERR_INTERNAL;
    std::snprintf(error.message, sizeof error.message, "the component has no create function");
    return nullptr;
  }
  void* self = nullptr;
  const BoundOptions& options = *node.options;
  if (c->create(host_table(), options.passed(), options.values.size(), &self, &error) != 0)
    return nullptr;
  return std::unique_ptr<ComponentInstance>(new ComponentInstance(info, self, scope));
}

ComponentInstance::~ComponentInstance() {
  if (self_ != nullptr && component_->destroy != nullptr) component_->destroy(self_);
}

// Everything around one plugin call, released when it returns.
class ComponentInstance::Guard {
 public:
  Guard(const CallScope& scope, Watch watch, const ShardRef* shard, Outputs outputs) {
    if (scope.counters != nullptr) timer_.emplace(*scope.counters);
    if (watch == Watch::yes && scope.watchdog != nullptr)
      watch_.emplace(*scope.watchdog, scope.watched_as, shard);
    if (outputs == Outputs::owned) owner_.emplace(scope.output_owner);
  }

 private:
  // Destroyed in reverse: the owner goes first, the timer last (it also counts the others).
  std::optional<BusyTimer> timer_;
  std::optional<Watchdog::Scope> watch_;
  std::optional<io::OutputOwnerScope> owner_;
};

template <class Call>
CallFailure ComponentInstance::guarded(Watch watch, const ShardRef* shard, Outputs outputs,
                                       Call&& call) {
  loom_error err = fresh_error();
  int rc = 0;
  {
    Guard guard(scope_, watch, shard, outputs);
    rc = call(&err);
  }
  if (rc != 0) return err;
  return std::nullopt;
}

CallFailure ComponentInstance::list_shards(std::vector<std::string>& shards) const {
  HostList list;
  loom_error err = fresh_error();
  if (component_->list_shards(self_, as_list(&list), &err) != 0) return err;
  shards = std::move(list.items);
  return std::nullopt;
}

CallFailure ComponentInstance::open_shard(const ShardRef& shard, void*& reader) {
  reader = nullptr;
  return guarded(Watch::yes, &shard, Outputs::unowned, [&](loom_error* err) {
    return component_->open_shard(self_, loom_str{shard.uri.data(), shard.uri.size()}, shard.index,
                                  &reader, err);
  });
}

CallFailure ComponentInstance::read(void* reader, Batch& batch, std::size_t target_bytes,
                                    bool& done) {
  std::int32_t finished = 0;
  CallFailure failure =
      guarded(Watch::yes, batch.shard.get(), Outputs::unowned, [&](loom_error* err) {
        return component_->read(self_, reader, reinterpret_cast<loom_batch*>(&batch), target_bytes,
                                &finished, err);
      });
  done = finished != 0;
  return failure;
}

void ComponentInstance::close_shard(void* reader) {
  if (reader != nullptr && provides(&loom_component::close_shard))
    component_->close_shard(self_, reader);
}

CallFailure ComponentInstance::observe(const Batch& batch) {
  if (!provides(&loom_component::observe)) return std::nullopt;
  return guarded(Watch::yes, batch.shard.get(), Outputs::unowned, [&](loom_error* err) {
    return component_->observe(self_, reinterpret_cast<const loom_batch*>(&batch), err);
  });
}

CallFailure ComponentInstance::process(Batch& batch) {
  return guarded(Watch::yes, batch.shard.get(), Outputs::unowned, [&](loom_error* err) {
    return component_->process(self_, reinterpret_cast<loom_batch*>(&batch), err);
  });
}

// Between a whole-input stage's passes: one call over the whole input, not one batch, so the
// per-batch limit does not apply.
CallFailure ComponentInstance::export_keys(std::uint32_t round, loom_buffer* out,
                                           std::uint32_t& key_bytes, std::uint32_t& payload_bytes,
                                           bool& last_round) {
  std::int32_t last = 1;
  const CallFailure failure = guarded(Watch::no, nullptr, Outputs::unowned, [&](loom_error* err) {
    return component_->export_keys(self_, round, out, &key_bytes, &payload_bytes, &last, err);
  });
  last_round = last != 0;
  return failure;
}

CallFailure ComponentInstance::import_keys(std::uint32_t round, loom_str merged,
                                           std::uint32_t payload_bytes) {
  return guarded(Watch::no, nullptr, Outputs::unowned, [&](loom_error* err) {
    return component_->import_keys(self_, round, merged, payload_bytes, err);
  });
}

CallFailure ComponentInstance::prepare(Batch& batch, void*& token) {
  token = nullptr;
  if (!provides(&loom_component::prepare)) return std::nullopt;
  return guarded(Watch::yes, batch.shard.get(), Outputs::owned, [&](loom_error* err) {
    return component_->prepare(self_, reinterpret_cast<loom_batch*>(&batch), &token, err);
  });
}

CallFailure ComponentInstance::write(Batch& batch, void* token) {
  return guarded(Watch::yes, batch.shard.get(), Outputs::owned, [&](loom_error* err) {
    return component_->write(self_, reinterpret_cast<loom_batch*>(&batch), token, err);
  });
}

CallFailure ComponentInstance::end_shard(const ShardRef& shard) {
  if (!provides(&loom_component::end_shard)) return std::nullopt;
  return guarded(Watch::yes, &shard, Outputs::owned,
                 [&](loom_error* err) { return component_->end_shard(self_, shard.index, err); });
}

void ComponentInstance::discard(void* token) {
  if (token != nullptr && provides(&loom_component::discard)) component_->discard(self_, token);
}

CallFailure ComponentInstance::finish() {
  if (!provides(&loom_component::finish)) return std::nullopt;
  return guarded(Watch::no, nullptr, Outputs::owned,
                 [&](loom_error* err) { return component_->finish(self_, err); });
}

}  // namespace loom::runtime
