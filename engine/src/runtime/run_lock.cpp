#include "runtime/run_lock.hpp"

#include "io/io.hpp"
#include "runtime/host_table.hpp"

#include <loom/sdk/spill_folder.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace loom::runtime {

namespace {

// Points the holder's symlink at "pid P\nhost H\n" (the text LockFile::describe_owner reads),
// replacing a killed run's. Only the lock's holder writes it; a run refused in between the unlink
// and the symlink says the holder has not written its pid yet.
bool write_holder(const std::string& holder_path) {
  const std::string text = "pid " + std::to_string(::getpid()) + "\nhost " + host_name() + "\n";
  if (::unlink(holder_path.c_str()) != 0 && errno != ENOENT) return false;
  return ::symlink(text.c_str(), holder_path.c_str()) == 0;
}

}  // namespace

// S3 has no locks: a manifest in a bucket is locked on this machine only, beside its spool.
std::string run_lock_path(const std::string& manifest_path) {
  return io::local_stand_in(manifest_path) + ".lock";
}

std::string run_lock_holder_path(const std::string& lock_path) { return lock_path + ".holder"; }

std::string read_run_lock_holder(const std::string& lock_path) {
  char target[4096];
  const ssize_t size = ::readlink(run_lock_holder_path(lock_path).c_str(), target, sizeof target);
  if (size > 0) return std::string(target, static_cast<std::size_t>(size));
  return LockFile::read_text(lock_path);  // a holder from before the symlink wrote it there
}

bool RunLock::take(const std::string& manifest_path, std::string& error) {
  const std::string path = run_lock_path(manifest_path);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);  // open() reports it
  LockFile lock = LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no);
  if (lock.held()) {
    if (!write_holder(run_lock_holder_path(path))) {
      error = "cannot name this run as the holder of the run lock '" + path + "' in '" +
              run_lock_holder_path(path) + "': " + std::strerror(errno);
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
  std::string holder = LockFile::describe_owner(read_run_lock_holder(path));
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
  if (lock_.held()) ::unlink(run_lock_holder_path(lock_.path().string()).c_str());
  lock_.remove_and_release();
}

void remove_stale_spills(const std::string& spill_dir) {
  for (const StaleSpillFolder& stale : remove_stale_spill_folders(spill_dir)) {
    const std::string message = stale.message();
    host_table()->log(LOOM_LOG_INFO, loom_str{message.data(), message.size()});
  }
}

}  // namespace loom::runtime
