// Runs a command and reports its wall-clock time and peak memory (the largest resident set of the
// process and of any child it waited for, from wait4's rusage), so bench/run.sh needs neither GNU
// time nor a shell builtin that reports memory.
//
// usage: loom_bench_measure REPORT_FILE COMMAND [ARG...]
// Writes `seconds=<wall> max_rss_kb=<peak> cpu_seconds=<user+system>` to REPORT_FILE; exits with
// the command's status.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: loom_bench_measure REPORT_FILE COMMAND [ARG...]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = fork();
  if (child < 0) {
    std::perror("loom_bench_measure: fork");
    return 2;
  }
  if (child == 0) {
    execvp(argv[2], argv + 2);
    std::fprintf(stderr, "loom_bench_measure: cannot run %s: %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) < 0) {
    std::perror("loom_bench_measure: wait4");
    return 2;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto to_seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  const double cpu_seconds = to_seconds(usage.ru_utime) + to_seconds(usage.ru_stime);
  std::FILE* report = std::fopen(argv[1], "w");
  if (!report ||
      std::fprintf(report, "seconds=%.3f max_rss_kb=%ld cpu_seconds=%.3f\n", seconds,
                   usage.ru_maxrss, cpu_seconds) < 0 ||
      std::fclose(report) != 0) {
    std::perror("loom_bench_measure: writing the report");
    return 2;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
