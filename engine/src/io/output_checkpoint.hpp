// What resuming a run needs from outputs: which sink (owner) opened each output, a durable
// snapshot of the open ones at a checkpoint (flushed, fsynced, byte length), and on the next run
// the continuation of those temporary files exactly where the snapshot left them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loom::io {

struct OpenOutputState {
  std::string path;       // final name
  std::string temporary;  // where its bytes are until commit
  std::uint64_t bytes = 0;
};

// An owner's outputs at a checkpoint: the open ones, and every path it committed so far.
struct OwnerCheckpoint {
  std::vector<OpenOutputState> open;
  std::vector<std::string> committed;
};

// Outputs opened on this thread while it lives belong to `owner` (a sink's node index).
class OutputOwnerScope {
 public:
  explicit OutputOwnerScope(int owner);
  ~OutputOwnerScope();
  OutputOwnerScope(const OutputOwnerScope&) = delete;
  OutputOwnerScope& operator=(const OutputOwnerScope&) = delete;

 private:
  int previous_;
};

// Forgets all tracking and adoption (call at the start of a run).
void reset_output_tracking();

// Flushes and fsyncs every open output of `owner` and returns them with its commits so far
// (adopted outputs not reopened yet included), after waiting for the background commits in
// flight (BackgroundCommits; their failure is thrown here). Must run on the thread that writes
// them. nullopt when one is inside an unfinished compressed frame (streamed write()): the encoder's
// state cannot be saved, so no checkpoint can be taken now.
std::optional<OwnerCheckpoint> checkpoint_outputs(int owner);

// Resuming: `owner`'s outputs open at its last checkpoint continue (Output::open of such a path
// reopens the temporary file truncated to `bytes`); opening one of its committed paths again is
// an error (the sink did not resume where it stopped).
void adopt_outputs(int owner, const OwnerCheckpoint& state);

// An interrupted run (SIGINT/SIGTERM) that a rerun will resume: from now on, outputs that are
// discarded keep their temporary files (a rerun continues or removes them).
void keep_temporaries_for_resume();
bool keeping_temporaries_for_resume();

// End of a successful resumed run: commits (truncate, fsync, rename) adopted outputs that no
// sink reopened. Throws IoError.
void commit_adopted_outputs();

}  // namespace loom::io
