// The spill runs' I/O errors (std::runtime_error naming the file, plugins/lib/spill) become the
// run's error; the component's own errors pass unchanged.
#pragma once

#include <loom/plugin.hpp>

#include <stdexcept>

namespace loom::dedup {

template <class Work>
void with_spill_errors(Work&& work) {
  try {
    work();
  } catch (const Error&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw Error(e.what(), LOOM_ERR_IO);
  }
}

}  // namespace loom::dedup
