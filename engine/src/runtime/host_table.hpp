// The host function table handed to every plugin: batches and documents (batch.hpp), byte
// streams (io/), buffers, compression and logging.
#pragma once

#include <loom/plugin.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::runtime {

const loom_host* host_table();

// Where plugin log lines go: loom::set_log_sink (engine.hpp).

// A loom_list is a vector of strings on the host side.
struct HostList {
  std::vector<std::string> items;
};
inline loom_list* as_list(HostList* list) { return reinterpret_cast<loom_list*>(list); }

}  // namespace loom::runtime
