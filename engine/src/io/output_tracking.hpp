// Internal side of output_checkpoint.hpp, used by output.cpp.
#pragma once

#include "io/output_checkpoint.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace loom::io::internal {

// An output that can be snapshotted: flush and fsync, then its size; nullopt inside a frame.
class TrackedOutput {
 public:
  virtual ~TrackedOutput() = default;
  virtual std::optional<std::uint64_t> sync_for_checkpoint() = 0;
  virtual const std::string& final_path() const = 0;
  virtual const std::string& temporary_path() const = 0;
};

// Called by outputs: on open (owner from this thread's OutputOwnerScope), commit, discard.
void track_output(TrackedOutput* output);
void untrack_output(TrackedOutput* output, bool committed);
// An output whose commit finishes in the background: no longer open; returns its owner (-1 if
// untracked), for record_committed() once the file is durable under its final name.
int untrack_output_for_commit(TrackedOutput* output);
void record_committed(int owner, const std::string& final_path);

struct Adopted {
  std::string temporary;
  std::uint64_t bytes = 0;
};
// For Output::open(path): the adopted temporary file to continue, if any (removed from the
// adoption list). Throws IoError if an owner committed `path` before its checkpoint.
std::optional<Adopted> take_adopted(const std::string& path);

// Removes `path`.loom-tmp-<pid>-* files left by processes that no longer run, except `keep`.
void remove_stale_temporaries(const std::string& path, const std::string& keep);
// At `path`'s commit: removes its temporaries whose process still ran when the folder was listed
// and has ended since (a rerun started while the killed run's ranks were still going down).
void remove_late_stale_temporaries(const std::string& path);

}  // namespace loom::io::internal
