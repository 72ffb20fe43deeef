// The spill runs' I/O errors (std::runtime_error naming the file, as this library throws them)
// become the run's error (LOOM_ERR_IO); the component's own errors pass unchanged.
#pragma once

#include <loom/plugin.hpp>

#include <stdexcept>

namespace loom::spill {

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

}  // namespace loom::spill
