// libloom_kill_at_rename.so: an LD_PRELOAD shim for the kill -9 tests (tests/graphs/kill_lib.sh)
// that SIGKILLs the process at a moment defined by its progress rather than by a clock:
//   LOOM_KILL_AT_RENAME=N         right after its Nth successful rename() of an output's temporary
//                                 file (`*.loom-tmp-*`) to its final name: inside the final
//                                 renames, between two commits or between the last commit and the
//                                 removal of the resume manifest, a window a few microseconds
//                                 wide that a timed kill cannot aim at;
//   LOOM_KILL_AFTER_CHECKPOINT=N  LOOM_KILL_DELAY_MS milliseconds (default 0) after its Nth resume
//                                 checkpoint (the rename of the manifest to `*.resume.json`): a
//                                 kill that leaves a checkpoint behind even when a graph writes
//                                 its output in one short burst;
//   LOOM_KILL_AT_FSYNC=N          right before its Nth fsync() of an output's temporary file (a
//                                 commit that has written everything but is not durable yet),
//                                 naming the thread that called it (`loom-commit` when the
//                                 commit runs in the background).
// Never installed.
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

namespace {

using RenameFunction = int (*)(const char*, const char*);

long env_number(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? 0L : std::strtol(value, nullptr, 10);
}

struct Settings {
  long at_rename = env_number("LOOM_KILL_AT_RENAME");
  long after_checkpoint = env_number("LOOM_KILL_AFTER_CHECKPOINT");
  long delay_ms = env_number("LOOM_KILL_DELAY_MS");
  long at_fsync = env_number("LOOM_KILL_AT_FSYNC");
};

const Settings& settings() {
  static const Settings instance;
  return instance;
}

std::atomic<long> output_renames{0};
std::atomic<long> checkpoints{0};
std::atomic<long> output_fsyncs{0};

RenameFunction real_rename() {
  static const auto function = reinterpret_cast<RenameFunction>(dlsym(RTLD_NEXT, "rename"));
  return function;
}

// Says where it died on stderr, so a failing test shows what the rerun had to recover from.
[[noreturn]] void die(const char* what, long n, const char* path) {
  char line[4096];
  const int length =
      std::snprintf(line, sizeof line, "kill_at_rename: SIGKILL after %s %ld: %s\n", what, n, path);
  if (length > 0) [[maybe_unused]]
    auto ignored = ::write(2, line, static_cast<std::size_t>(length));
  ::kill(::getpid(), SIGKILL);
  std::abort();  // not reached: SIGKILL cannot be caught
}

}  // namespace

using FsyncFunction = int (*)(int);

extern "C" __attribute__((visibility("default"))) int fsync(int fd) {
  static const auto next = reinterpret_cast<FsyncFunction>(dlsym(RTLD_NEXT, "fsync"));
  if (next == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  const Settings& s = settings();
  if (s.at_fsync > 0) {
    char link[64];
    char target[4096];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t length = ::readlink(link, target, sizeof target - 1);
    if (length > 0) {
      target[length] = '\0';
      if (std::strstr(target, ".loom-tmp-") != nullptr &&
          output_fsyncs.fetch_add(1) + 1 == s.at_fsync) {
        char thread[16] = "?";
        ::pthread_getname_np(::pthread_self(), thread, sizeof thread);
        char what[64];
        std::snprintf(what, sizeof what, "in thread %s, before fsync", thread);
        die(what, s.at_fsync, target);
      }
    }
  }
  return next(fd);
}

extern "C" __attribute__((visibility("default"))) int rename(const char* from, const char* to) {
  const RenameFunction next = real_rename();
  if (next == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  const int rc = next(from, to);
  if (rc != 0) return rc;
  const Settings& s = settings();
  if (s.at_rename > 0 && std::strstr(from, ".loom-tmp-") != nullptr &&
      output_renames.fetch_add(1) + 1 == s.at_rename)
    die("rename", s.at_rename, to);
  if (s.after_checkpoint > 0 && std::string_view(to).ends_with(".resume.json") &&
      checkpoints.fetch_add(1) + 1 == s.after_checkpoint) {
    if (s.delay_ms <= 0) die("checkpoint", s.after_checkpoint, to);
    // The run goes on meanwhile; if it ends first, so does this thread.
    std::thread([delay = s.delay_ms, n = s.after_checkpoint] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      die("checkpoint (and a delay)", n, "");
    }).detach();
  }
  return rc;
}
