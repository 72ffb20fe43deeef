// The run lock (one run per output) and spill folders a dead run left behind
// (runtime/run_lock.hpp, loom/sdk/lock_file.hpp, loom/sdk/spill_folder.hpp): a lock is refused
// while held, even within one process, names its holder, and goes with its process; a sweep
// removes the spill folders of dead processes of this host only.
#include "runtime/run_lock.hpp"

#include <doctest/doctest.h>
#include <loom/sdk/spill_folder.hpp>
#include <loom/testing/files.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using loom::LockFile;
using loom::SpillFolder;

namespace {

const std::string this_owner =
    "pid " + std::to_string(::getpid()) + " on host " + loom::host_name();

// A child process that made a spill folder under `parent` and was then killed with SIGKILL (so
// nothing of it ran any destructor). Returns the folder; `pid` gets the child's pid.
fs::path folder_of_killed_child(const fs::path& parent, pid_t& pid) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    auto* folder = new SpillFolder(parent, "child");  // never deleted: the process is killed
    const std::string path = folder->path().string() + "\n";
    if (::write(pipe_fds[1], path.data(), path.size()) < 0) ::_exit(1);
    while (true) ::pause();
  }
  ::close(pipe_fds[1]);
  std::string path;
  char c = 0;
  while (::read(pipe_fds[0], &c, 1) == 1 && c != '\n') path += c;
  ::close(pipe_fds[0]);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return path;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("a lock file is refused while held, also within one process, and names its holder") {
  const loom::testing::TempDir scratch("run_lock");
  const fs::path path = scratch.path() / "a.lock";
  LockFile first = LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no);
  REQUIRE(first.held());
  REQUIRE(first.write_owner());
  LockFile second = LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no);
  CHECK_FALSE(second.held());
  CHECK(errno == EWOULDBLOCK);
  CHECK(LockFile::describe_owner(LockFile::read_text(path)) == this_owner);
  first.remove_and_release();
  CHECK_FALSE(fs::exists(path));
  CHECK(LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no).held());
}

TEST_CASE("RunLock: a second run on the same manifest gets an error naming pid, host and path") {
  const loom::testing::TempDir scratch("run_lock");
  const std::string manifest = (scratch.path() / "out" / "stats.resume.json").string();
  std::string error;
  loom::runtime::RunLock held;
  REQUIRE(held.take(manifest, error));
  CHECK(error.empty());
  CHECK(held.path() == manifest + ".lock");
  // The holder is named by a symlink; the lock file owns no data block to free at the end.
  CHECK(fs::file_size(manifest + ".lock") == 0);
  CHECK(fs::is_symlink(manifest + ".lock.holder"));
  CHECK(LockFile::describe_owner(loom::runtime::read_run_lock_holder(manifest + ".lock")) ==
        this_owner);
  loom::runtime::RunLock refused;
  CHECK_FALSE(refused.take(manifest, error));
  CHECK_FALSE(refused.held());
  CHECK(error.find("another loom run (" + this_owner + ")") != std::string::npos);
  CHECK(error.find("'" + manifest + ".lock'") != std::string::npos);
  held.release();
  CHECK_FALSE(fs::exists(manifest + ".lock"));
  CHECK_FALSE(fs::is_symlink(manifest + ".lock.holder"));
  held.release();  // once only: the stall handler and the end of the run may both call it
  error.clear();
  loom::runtime::RunLock next;
  CHECK(next.take(manifest, error));
  CHECK(error.empty());
}

TEST_CASE("a lock whose holder died is free, though its file stays") {
  const loom::testing::TempDir scratch("run_lock");
  const fs::path path = scratch.path() / "stats.resume.json.lock";
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto* lock = new LockFile(LockFile::take(path, LockFile::Create::yes, LockFile::Wait::no));
    ::_exit(lock->held() && lock->write_owner() ? 0 : 1);  // no destructor runs, as in kill -9
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(fs::exists(path));
  CHECK(LockFile::field(LockFile::read_text(path), "pid") == std::to_string(child));
  // A holder that wrote its pid into the lock file (earlier versions) is still named.
  CHECK(LockFile::field(loom::runtime::read_run_lock_holder(path.string()), "pid") ==
        std::to_string(child));
  std::string error;
  loom::runtime::RunLock rerun;
  CHECK(rerun.take((scratch.path() / "stats.resume.json").string(), error));
  CHECK(LockFile::field(loom::runtime::read_run_lock_holder(path.string()), "pid") ==
        std::to_string(::getpid()));
}

TEST_CASE("remove_stale_spill_folders removes a killed process's folder and nothing else") {
  const loom::testing::TempDir scratch("spill_sweep");
  const fs::path parent = scratch.path();
  pid_t child = 0;
  const fs::path dead = folder_of_killed_child(parent, child);
  REQUIRE(fs::is_directory(dead));
  write_text(dead / "batches", std::string(4096, 'x'));

  const SpillFolder live(parent, "live");
  const fs::path other_host = parent / "loom-spill-other-host";
  fs::create_directories(other_host);
  write_text(other_host / "owner", "pid 1\nhost another-machine-" + loom::host_name() + "\n");
  const fs::path being_made = parent / "loom-spill-being-made";
  fs::create_directories(being_made);
  write_text(being_made / "owner", "");
  const fs::path no_owner = parent / "loom-spill-no-owner";
  fs::create_directories(no_owner);
  const fs::path not_spill = parent / "unrelated";
  fs::create_directories(not_spill);
  write_text(not_spill / "owner", "pid 1\nhost " + loom::host_name() + "\n");

  const auto removed = loom::remove_stale_spill_folders(parent);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].folder == dead);
  CHECK(removed[0].owner == "pid " + std::to_string(child) + " on host " + loom::host_name());
  CHECK(removed[0].message().find(dead.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(dead));
  for (const fs::path& kept : {live.path(), other_host, being_made, no_owner, not_spill})
    CHECK(fs::is_directory(kept));
  CHECK(loom::remove_stale_spill_folders(parent).empty());
}

TEST_CASE("a spill folder is removed with its contents when its owner object goes") {
  const loom::testing::TempDir scratch("spill_folder");
  fs::path path;
  {
    const SpillFolder folder(scratch.path(), "scope");
    path = folder.path();
    CHECK(path.filename().string().rfind("loom-spill-scope-", 0) == 0);
    CHECK(LockFile::describe_owner(LockFile::read_text(path / "owner")) == this_owner);
    write_text(path / "data", "bytes");
  }
  CHECK_FALSE(fs::exists(path));
  const std::string expected =
      "cannot create a spill folder in " + (scratch.path() / "missing").string();
  CHECK_THROWS_WITH_AS(SpillFolder(scratch.path() / "missing", "x"),
                       doctest::Contains(expected.c_str()), std::runtime_error);
}

TEST_CASE("TempDir removes its folder also when the test body throws") {
  fs::path path;
  try {
    const loom::testing::TempDir scratch("throws");
    path = scratch.path();
    write_text(path / "file", "x");
    throw std::runtime_error("a failed REQUIRE throws like this");
  } catch (const std::runtime_error&) {
  }
  REQUIRE_FALSE(path.empty());
  CHECK_FALSE(fs::exists(path));
}
