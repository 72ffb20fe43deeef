#include "dump_naming.hpp"

#include <algorithm>

namespace loom::wikipedia {
namespace {

bool is_date(std::string_view token) {
  return token == "latest" ||
         (token.size() == 8 &&
          std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

bool is_wiki_code(std::string_view code) {
  return !code.empty() && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

DumpName parse_dump_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  DumpName out;
  const auto dash = name.find('-');
  if (dash == std::string_view::npos) return out;
  const std::string_view database = name.substr(0, dash);
  constexpr std::string_view suffix = "wiki";
  if (database.size() <= suffix.size() ||
      database.substr(database.size() - suffix.size()) != suffix)
    return out;
  const std::string_view code = database.substr(0, database.size() - suffix.size());
  if (!is_wiki_code(code)) return out;
  out.language = std::string(code);
  std::replace(out.language.begin(), out.language.end(), '_', '-');
  const std::string_view rest = name.substr(dash + 1);
  const std::string_view date = rest.substr(0, rest.find('-'));
  if (is_date(date)) out.dump_date = std::string(date);
  return out;
}

std::string page_url(std::string_view language, std::string_view title) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string url = "https://";
  url += language;
  url += ".wikipedia.org/wiki/";
  for (const char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-' || c == '~' || c == '/';
    if (keep) {
      url += ch;
    } else {
      url += '%';
      url += hex[c >> 4];
      url += hex[c & 15];
    }
  }
  return url;
}

}  // namespace loom::wikipedia
