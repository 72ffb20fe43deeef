#include "base/json_text.hpp"

namespace loom {

void append_json_string(std::string& out, std::string_view s, bool for_html_script) {
  static const char* const hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const bool html_special = c == '<' || c == '>' || c == '&' || c == 0x7f;
        if (c < 0x20 || (for_html_script && html_special)) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
      }
    }
  }
  out += '"';
}

}  // namespace loom
