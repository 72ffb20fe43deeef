#include "io/temporary_owner.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace loom::io::internal {

namespace {

// What /proc/<pid>/stat says of a process: that it has ended but is not reaped, or when it
// started, in seconds since boot (CLOCK_BOOTTIME); neither where it cannot say.
struct ProcessStat {
  bool zombie = false;
  std::optional<double> started;
};

ProcessStat read_process_stat(long pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat_file, line)) return {};
  // The command name, in parentheses, may itself hold spaces and parentheses: the fields that
  // follow start after the last ')'.
  const auto name_end = line.rfind(')');
  if (name_end == std::string::npos) return {};
  std::istringstream fields(line.substr(name_end + 1));
  std::string state;
  fields >> state;
  if (state == "Z" || state == "X" || state == "x") return {.zombie = true};
  // state is field 3 of proc(5); starttime, in clock ticks since boot, is field 22.
  std::string field;
  for (int number = 4; number <= 22; ++number) fields >> field;
  char* end = nullptr;
  const unsigned long long ticks = std::strtoull(field.c_str(), &end, 10);
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (!fields || field.empty() || *end != '\0' || ticks_per_second <= 0) return {};
  return {.started = static_cast<double>(ticks) / static_cast<double>(ticks_per_second)};
}

double seconds(const ::timespec& t) { return static_cast<double>(t.tv_sec) + t.tv_nsec * 1e-9; }

}  // namespace

long temporary_owner(std::string_view name) {
  const std::string_view mark = ".loom-tmp-";
  const auto at = name.find(mark);
  if (at == std::string_view::npos) return 0;
  const std::string rest(name.substr(at + mark.size()));
  char* end = nullptr;
  const long pid = std::strtol(rest.c_str(), &end, 10);
  return pid > 0 && end != nullptr && *end == '-' ? pid : 0;
}

bool temporary_owner_may_run(long pid, const std::string& file) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  const ProcessStat process = read_process_stat(pid);
  if (process.zombie) return false;
  if (!process.started) return true;
  struct ::stat written {};
  ::timespec now_real{}, now_boot{};
  if (::stat(file.c_str(), &written) != 0 || ::clock_gettime(CLOCK_REALTIME, &now_real) != 0 ||
      ::clock_gettime(CLOCK_BOOTTIME, &now_boot) != 0)
    return true;
  const double written_since_boot =
      seconds(now_boot) - (seconds(now_real) - seconds(written.st_mtim));
  // A writer started before its file's last write. The second of slack covers the ticks'
  // rounding and a wall clock stepped between the write and now.
  return *process.started <= written_since_boot + 1.0;
}

}  // namespace loom::io::internal
