// The StackExchange HTML-to-text cleaning (libxml2's HTML push parser and bs4's get_text rules).
// Checks: it never throws, valid UTF-8 gives valid UTF-8, and markup-free text without entities or
// list tags keeps all its non-space characters.
#include <algorithm>
#include <cstdint>

#include "fuzz_support.hpp"
#include "html_text.hpp"

using namespace loom;

namespace {

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' && c != '\v') out += c;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html = fuzz::as_text(data, size);
  std::string text;
  try {
    text = html::clean_post_html(html);
  } catch (const std::exception& e) {
    fuzz::fail(std::string("clean_post_html threw: ") + e.what());
  }
  // Bodies come out of libxml2's attribute parsing, so they are always UTF-8: require UTF-8 out
  // only for UTF-8 in.
  if (fuzz::valid_utf8(html))
    fuzz::require(fuzz::valid_utf8(text), "valid UTF-8 in, invalid UTF-8 out");
  // Plain ASCII letters and digits only: nothing for the HTML parser to interpret.
  const bool plain = !html.empty() && std::all_of(html.begin(), html.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
  });
  if (plain) fuzz::require(without_spaces(text) == without_spaces(html), "plain text changed");
  return 0;
}
