// One created component: the plugin's object plus calls that report failures as loom_error
// values, never as exceptions.
#pragma once

#include "plugin/registry.hpp"
#include "validate/bound_graph.hpp"

#include <loom/plugin.h>

#include <memory>
#include <string>

namespace loom::runtime {

// A loom_error ready to be passed to a plugin call.
loom_error fresh_error();

class ComponentInstance {
 public:
  // Creates the component with its bound options; on failure returns null and fills `error`.
  static std::unique_ptr<ComponentInstance> create(const BoundNode& node, loom_error& error);
  ~ComponentInstance();
  ComponentInstance(const ComponentInstance&) = delete;
  ComponentInstance& operator=(const ComponentInstance&) = delete;

  const loom_component& api() const { return *component_; }
  const ComponentInfo& info() const { return *info_; }
  void* self() const { return self_; }
  // The descriptor has this optional function (size-prefixed and non-null).
  template <class Member>
  bool provides(Member loom_component::*field) const {
    return info_->has(field) && component_->*field != nullptr;
  }

 private:
  ComponentInstance(const ComponentInfo* info, void* self)
      : info_(info), component_(info->component), self_(self) {}
  const ComponentInfo* info_;
  const loom_component* component_;
  void* self_;
};

}  // namespace loom::runtime
