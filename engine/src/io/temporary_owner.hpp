// Who wrote a temporary output file (`<target>.loom-tmp-<pid>-<n>`), and whether that process may
// still be writing it: a rerun removes the temporaries of processes that have ended, and must
// never remove one that another live run is writing.
#pragma once

#include <string>
#include <string_view>

namespace loom::io::internal {

// The pid in a `<target>.loom-tmp-<pid>-<n>` name, or 0.
long temporary_owner(std::string_view name);

// Whether process `pid` may still be writing `file`. False where it has ended, where it has ended
// but is not yet reaped (a zombie: in a container whose first process never reaps orphans, a
// killed MPI rank stays one indefinitely, and signal 0 still reaches it), and where it started
// after `file` was last written (its pid was reused; pid_max is often 32,768). True where it
// cannot tell (no /proc, `file` gone): keeping a stale file is harmless, removing a live one not.
bool temporary_owner_may_run(long pid, const std::string& file);

}  // namespace loom::io::internal
