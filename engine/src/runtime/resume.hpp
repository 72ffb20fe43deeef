// Resume after a crash: the manifest (a JSON file beside stats.json) records, per sink, the last
// batch (source sequence number) it wrote and the byte length of each output it had open at that
// moment (flushed and fsynced), and per source the sequence number each shard started at. A rerun
// with the same graph, options and inputs reads it back: each source restarts at the shard that
// holds the oldest unwritten batch, batches every sink already wrote are not written again, and
// the open outputs continue from their recorded length. docs/runtime.md has the whole design.
#pragma once

#include "io/output_checkpoint.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace loom::runtime {

class Resume {
 public:
  // Empty `manifest_path` or `interval_seconds` <= 0: no checkpoints, nothing resumes.
  Resume(std::string manifest_path, double interval_seconds);

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

  // Reads an existing manifest (removing it first if `restart`). Returns an error message when
  // it cannot be used: unreadable, or written for another fingerprint. `sink_ids` maps node
  // indexes of sinks to their ids (the manifest uses ids).
  std::string load(const std::string& fingerprint, bool restart,
                   const std::map<std::size_t, std::string>& node_ids);

  // What the loaded manifest says (all -1 / empty when nothing was loaded).
  std::int64_t sink_written(std::size_t sink) const;
  const std::map<std::uint64_t, std::uint64_t>& shard_starts(std::size_t source) const;
  io::OwnerCheckpoint sink_outputs(std::size_t sink) const;
  bool loaded() const { return loaded_; }

  // A source opened shard `shard_index` when its next sequence number was `seq`.
  void on_shard_open(std::size_t source, std::uint64_t shard_index, std::uint64_t seq);
  // After a sink wrote every input edge of batch `seq`, on its writer thread: takes a checkpoint
  // of its outputs and rewrites the manifest if the interval passed (returns whether it did).
  // Throws io::IoError.
  bool after_write(std::size_t sink, std::uint64_t seq);

  // The run succeeded: the manifest is removed. The run failed and its temporary files were
  // removed: the manifest is too, so the next run starts over.
  void remove_manifest();

  // The end of a run that succeeded: adopted outputs no sink reopened are committed, then the
  // manifest goes. Throws io::IoError.
  void complete_run();
  // The end of a run that failed. Stopped by a signal (e.g. a scheduler's SIGTERM before its
  // SIGKILL) with a manifest to resume from: outputs keep their temporary files, so that
  // rerunning resumes like after a kill. Otherwise every open output is aborted and, its
  // temporary files being gone, the manifest too: the next run starts over.
  void settle_failed_run(bool interrupted);

 private:
  struct SinkState {
    std::int64_t written = -1;
    io::OwnerCheckpoint outputs;
    std::chrono::steady_clock::time_point last_checkpoint{};
  };
  void write_manifest();  // under mutex_

  std::string path_;
  std::chrono::duration<double> interval_;
  std::string fingerprint_;
  std::map<std::size_t, std::string> ids_;
  bool loaded_ = false;
  bool written_ = false;  // this run wrote the manifest at least once (under mutex_)
  mutable std::mutex mutex_;
  std::map<std::size_t, std::map<std::uint64_t, std::uint64_t>> shard_starts_;  // source -> ...
  std::map<std::size_t, SinkState> sinks_;
};

// A hash (hex) of everything the output bytes depend on besides the input bytes themselves.
class Fingerprint {
 public:
  void add(std::string_view bytes);
  void add(std::uint64_t value);
  std::string hex() const;

 private:
  std::uint64_t a_ = 0xcbf29ce484222325ull, b_ = 0x84222325cbf29ce4ull;
};

}  // namespace loom::runtime
