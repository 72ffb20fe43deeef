// The spill runs' I/O errors become the run's error: plugins/lib/spill/spill_errors.hpp, shared
// with ccnet_line_dedup.
#pragma once

#include <spill/spill_errors.hpp>

namespace loom::dedup {

using spill::with_spill_errors;

}  // namespace loom::dedup
