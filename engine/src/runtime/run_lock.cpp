#include "runtime/run_lock.hpp"

#include "io/io.hpp"
#include "runtime/host_table.hpp"

#include <loom/sdk/spill_folder.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace loom::runtime {

// S3 has no locks: a manifest in a bucket is locked on this machine only, beside its spool.
std::string run_lock_path(const std::string& manifest_path) {
  return io::local_stand_in(manifest_path) + ".lock";
}

bool RunLock::take(const std::string& manifest_path, std::string& error) {
  const std::string path = run_lock_path(manifest_path);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);  // open() reports it
  LockFile lock = LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no);
  if (lock.held()) {
    if (!lock.write_owner()) {
      error = "cannot write the run lock '" + path + "': " + std::strerror(errno);
      return false;
    }
    std::lock_guard guard(mutex_);
    lock_ = std::move(lock);
    return true;
  }
  if (errno != EWOULDBLOCK) {
    error = "cannot take the run lock '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::string holder = LockFile::describe_owner(LockFile::read_text(path));
  if (holder.empty()) holder = "a process that has not written its pid yet";
  error = "another loom run (" + holder + ") is running on this output: it holds the lock '" +
          path + "' beside the resume manifest '" + manifest_path +
          "'; wait for it to end or stop it, then rerun (a killed run's lock goes with its "
          "process)";
  return false;
}

bool RunLock::held() const {
  std::lock_guard guard(mutex_);
  return lock_.held();
}

void RunLock::release() {
  std::lock_guard guard(mutex_);
  lock_.remove_and_release();
}

void remove_stale_spills(const std::string& spill_dir) {
  for (const StaleSpillFolder& stale : remove_stale_spill_folders(spill_dir)) {
    const std::string message = stale.message();
    host_table()->log(LOOM_LOG_INFO, loom_str{message.data(), message.size()});
  }
}

}  // namespace loom::runtime
