// loom/plugin.hpp: the header-only C++20 layer for writing Loom plugins.
//
// A component is a class deriving from one of Source, Cleaner, Filter, Deduper or Sink (the base
// class fixes its kind), with
//   static constexpr const char* name, summary;
//   static constexpr std::uint32_t flags;        // optional: loom::thread_safe | order_sensitive
//   using Options = SomeOptions;                 // plain struct + static constexpr `fields`
//   explicit Component(const Options&);
// and the plugin's one .cpp that lists them ends with
//   LOOM_PLUGIN("name", "version", "license", ComponentA, ComponentB)
// Exceptions thrown by a component are caught at the boundary and turned into loom_error.
#pragma once

#include <loom/plugin.h>
#include <loom/sdk/components.hpp>
#include <loom/sdk/descriptor.hpp>
#include <loom/sdk/host.hpp>
#include <loom/sdk/io.hpp>
#include <loom/sdk/options.hpp>
