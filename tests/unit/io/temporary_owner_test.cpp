// A rerun removes the temporary files of processes that have ended, including those that ended
// without being reaped and those whose pid a newer process now holds, and keeps a live writer's.
#include "io/temporary_owner.hpp"
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace loom::io;
using namespace loom::io::internal;
using namespace loom::io::testing;

namespace {

// A child process, killed and reaped at the end of the scope.
class Child {
 public:
  // `exit_at_once`: the child ends without its parent reaping it, and stays a zombie.
  explicit Child(bool exit_at_once) : pid_(::fork()) {
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      if (!exit_at_once) ::pause();
      ::_exit(0);
    }
    if (exit_at_once) {
      // Until it has exited, /proc shows it running.
      for (int tries = 0; tries < 1000 && !is_zombie(); ++tries)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      REQUIRE(is_zombie());
    }
  }
  ~Child() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  long pid() const { return pid_; }

 private:
  bool is_zombie() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto name_end = line.rfind(')');
    return name_end != std::string::npos && line.compare(name_end, 3, ") Z") == 0;
  }

  pid_t pid_;
};

// `<target>.loom-tmp-<pid>-<number>` in `scratch`, holding a few bytes. The number is one an
// Output of this process does not reach in these tests.
std::string temporary_of(const ScratchDir& scratch, const std::string& target, long pid) {
  const std::string path = scratch.file(target + ".loom-tmp-" + std::to_string(pid) + "-424242");
  std::ofstream(path) << "partial";
  return path;
}

void set_last_write(const std::string& path, std::chrono::seconds age) {
  ::timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= age.count();
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

}  // namespace

TEST_CASE("the pid of a temporary file's name") {
  CHECK(temporary_owner("part-1.wet.jsonl.loom-tmp-9955-1") == 9955);
  CHECK(temporary_owner("part-1.wet.jsonl") == 0);
  CHECK(temporary_owner("part-1.loom-tmp-x-1") == 0);
  CHECK(temporary_owner("part-1.loom-tmp-12") == 0);
  CHECK(temporary_owner("part-1.loom-tmp--12-1") == 0);
}

TEST_CASE("a live process that wrote its temporary file may still be writing it") {
  ScratchDir scratch;
  Child writer(false);
  const std::string file = temporary_of(scratch, "part.jsonl", writer.pid());
  CHECK(temporary_owner_may_run(writer.pid(), file));
}

TEST_CASE("an ended process that nobody reaped is not writing") {
  ScratchDir scratch;
  Child ended(true);
  const std::string file = temporary_of(scratch, "part.jsonl", ended.pid());
  CHECK(::kill(static_cast<pid_t>(ended.pid()), 0) == 0);  // signal 0 alone says it runs
  CHECK_FALSE(temporary_owner_may_run(ended.pid(), file));
}

TEST_CASE("a process started after the file's last write did not write it (a reused pid)") {
  ScratchDir scratch;
  Child newer(false);
  const std::string file = temporary_of(scratch, "part.jsonl", newer.pid());
  set_last_write(file, std::chrono::seconds(3));
  CHECK_FALSE(temporary_owner_may_run(newer.pid(), file));
  // Written since its start: kept.
  set_last_write(file, std::chrono::seconds(0));
  CHECK(temporary_owner_may_run(newer.pid(), file));
}

TEST_CASE("an ended, reaped process is not writing") {
  ScratchDir scratch;
  long pid = 0;
  {
    Child ended(true);
    pid = ended.pid();
  }
  CHECK_FALSE(temporary_owner_may_run(pid, temporary_of(scratch, "part.jsonl", pid)));
}

TEST_CASE("opening an output removes an earlier process's temporary file that had this pid") {
  ScratchDir scratch;
  const std::string earlier = temporary_of(scratch, "part.jsonl", ::getpid());
  set_last_write(earlier, std::chrono::seconds(3600 * 24 * 365));  // before this process started
  auto output = Output::open(scratch.file("part.jsonl"));
  CHECK_FALSE(std::filesystem::exists(earlier));
  output->write("done\n");
  output->commit();
  CHECK(read_all(scratch.file("part.jsonl")) == "done\n");
}

TEST_CASE("opening an output removes a zombie's temporary file and keeps a live writer's") {
  ScratchDir scratch;
  Child ended(true);
  Child writer(false);
  const std::string stale = temporary_of(scratch, "part.jsonl", ended.pid());
  const std::string live = temporary_of(scratch, "part.jsonl", writer.pid());
  auto output = Output::open(scratch.file("part.jsonl"));
  output->write("done\n");
  output->commit();
  CHECK_FALSE(std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(live));
  CHECK(read_all(scratch.file("part.jsonl")) == "done\n");
}
