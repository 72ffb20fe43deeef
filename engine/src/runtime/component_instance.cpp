#include "runtime/component_instance.hpp"

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

std::unique_ptr<ComponentInstance> ComponentInstance::create(const BoundNode& node,
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
  return std::unique_ptr<ComponentInstance>(new ComponentInstance(info, self));
}

ComponentInstance::~ComponentInstance() {
  if (self_ != nullptr && component_->destroy != nullptr) component_->destroy(self_);
}

}  // namespace loom::runtime
