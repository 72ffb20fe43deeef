// One run per output at a time, and no spill left behind by a dead one (docs/runtime.md, "One run
// per output").
//
// A run with a resume manifest holds an exclusive lock on <manifest>.lock (loom/sdk/lock_file.hpp)
// from before it reads, writes or removes anything until its statistics are written. A second run
// on the same manifest is refused, naming the holder; the kernel drops the lock when the holder's
// process ends, so a killed run never blocks the next one.
//
// The lock file stays empty: the holder's pid and host are the target of a symlink beside it,
// <manifest>.lock.holder. On a file system mounted with `discard`, removing a file that owns a
// data block issues a synchronous discard (4-8 ms at the end of every run, docs/bench.md); an
// empty file and a short symlink (its target kept in the inode) own none.
#pragma once

#include <loom/sdk/lock_file.hpp>

#include <filesystem>
#include <mutex>
#include <string>

namespace loom::runtime {

// The lock file of the run whose resume manifest is `manifest_path`.
std::string run_lock_path(const std::string& manifest_path);
// The symlink naming the holder of the lock `lock_path`, and its target ("pid P\nhost H\n"; else
// the lock file's text, as earlier versions wrote it; "" when neither names anyone): kept by the
// holder until it releases the lock, left by a killed one.
std::string run_lock_holder_path(const std::string& lock_path);
std::string read_run_lock_holder(const std::string& lock_path);

// The lock a run holds on its output.
class RunLock {
 public:
  // Takes the lock beside `manifest_path` (making its folder if needed) and names this process's
  // pid and host in its holder symlink. On failure returns false and sets `error` to a message
  // naming the lock file, the holder (pid and host) and what to do.
  bool take(const std::string& manifest_path, std::string& error);
  bool held() const;
  const std::filesystem::path& path() const { return lock_.path(); }
  // Removes the holder symlink and the lock file and releases the lock; once, from any thread: at
  // the end of the run, or from the stall handler just before the CLI exits without unwinding.
  void release();

 private:
  mutable std::mutex mutex_;
  LockFile lock_;
};

// Removes the spill folders under `spill_dir` ("" = $TMPDIR, else /tmp) left by processes that
// died, logging each (loom/sdk/spill_folder.hpp).
void remove_stale_spills(const std::string& spill_dir);

}  // namespace loom::runtime
