#include "arxiv_naming.hpp"

#include <chrono>
#include <cstdio>

namespace loom::arxiv {

std::string_view python_stem(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return name;
  return name.substr(0, dot);
}

std::string format_arxiv_id(std::string_view raw_id) {
  std::size_t split = 0;
  while (split < raw_id.size()) {
    const char c = raw_id[split];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) break;
    ++split;
  }
  const std::string_view number = raw_id.substr(split);
  if (number.empty()) return std::string(raw_id);
  for (char c : number) {
    if (!((c >= '0' && c <= '9') || c == '.')) return std::string(raw_id);
  }
  if (split == 0) return std::string(number);
  return std::string(raw_id.substr(0, split)) + "/" + std::string(number);
}

std::string python_isoformat_utc(std::int64_t seconds, std::int64_t nanoseconds) {
  using namespace std::chrono;
  // fromtimestamp rounds to the nearest microsecond.
  std::int64_t micros = (nanoseconds + 500) / 1000;
  if (micros >= 1000000) {
    seconds += 1;
    micros -= 1000000;
  }
  const sys_seconds time{std::chrono::seconds{seconds}};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char buffer[64];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                        static_cast<int>(clock.minutes().count()),
                        static_cast<int>(clock.seconds().count()));
  if (micros != 0)
    n += std::snprintf(buffer + n, sizeof buffer - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(micros));
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::optional<std::vector<std::string_view>> safe_member_path(std::string_view name) {
  if (name.starts_with('/')) return std::nullopt;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view part = name.substr(start, slash - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") parts.push_back(part);
    start = slash + 1;
  }
  return parts;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  auto continuation = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < n && s[i] >= lo && s[i] <= hi;
  };
  for (std::size_t i = 0; i < n;) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      ++i;
    } else if (b >= 0xC2 && b <= 0xDF) {
      if (!continuation(i + 1)) return i;
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      const unsigned char lo = b == 0xE0 ? 0xA0 : 0x80;
      const unsigned char hi = b == 0xED ? 0x9F : 0xBF;
      if (!continuation(i + 1, lo, hi) || !continuation(i + 2)) return i;
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      const unsigned char lo = b == 0xF0 ? 0x90 : 0x80;
      const unsigned char hi = b == 0xF4 ? 0x8F : 0xBF;
      if (!continuation(i + 1, lo, hi) || !continuation(i + 2) || !continuation(i + 3)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace loom::arxiv
