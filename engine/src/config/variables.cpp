#include "config/variables.hpp"

#include <cstdlib>

namespace loom {
namespace {

bool valid_variable_name(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// The variable's value, or nullptr when it is neither set with --set nor in the environment.
const char* lookup(const std::string& name, const Variables& variables) {
  if (auto it = variables.find(name); it != variables.end()) return it->second.c_str();
  return std::getenv(name.c_str());
}

}  // namespace

std::string expand_variables(const std::string& text, const Variables& variables,
                             std::vector<ExpansionError>& errors) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (text[i + 1] != '{') {
      out += c;
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      errors.push_back({i,
                        text.substr(i),
                        "unterminated variable reference '" + text.substr(i) + "'",
                        {"write ${NAME} or ${NAME:-default}; write $$ for a literal '$'"}});
      out += text.substr(i);
      break;
    }
    const std::string reference = text.substr(i, close + 1 - i);
    const std::string body = text.substr(i + 2, close - i - 2);
    const std::size_t default_at = body.find(":-");
    const std::string name = body.substr(0, default_at);
    if (!valid_variable_name(name)) {
      errors.push_back({i,
                        reference,
                        "invalid variable name '" + name + "' in '" + reference + "'",
                        {"variable names are letters, digits and '_', not starting with a digit"}});
    } else {
      const char* value = lookup(name, variables);
      if (value != nullptr && *value != '\0') {
        out += value;
      } else if (default_at != std::string::npos) {
        // Like the shell's ${NAME:-default}: an empty value takes the default too.
        out += body.substr(default_at + 2);
      } else if (value == nullptr) {
        errors.push_back(
            {i,
             reference,
             "undefined variable '" + name + "'",
             {"set it with --set " + name + "=... or in the environment, or give a default: ${" +
              name + ":-value}"}});
      }
    }
    i = close + 1;
  }
  return out;
}

}  // namespace loom
