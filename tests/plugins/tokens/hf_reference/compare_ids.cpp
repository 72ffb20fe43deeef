// Reads make_cases.js's JSON lines ({kind, text, ids}) and checks that Loom's tokenizer gives
// the same ids for every text. Prints each mismatch (kind, the text escaped, where the ids part)
// and a summary per kind; exits 1 on any mismatch, 2 on a usage or read error.
// One kind of mismatch is known and does not fail: a text holding a character assigned after
// Unicode 14.0, the version of Debian 12's PCRE2 tables (Hugging Face's Oniguruma is newer, so
// \p{L}, \p{S}... may class such a character differently). It is counted and shown apart.
// make_cases.js writes only assigned characters, so a character ICU 72 (Unicode 15.0) does not
// know is one of the newer ones.
// Usage: compare_ids <tokenizer.json> <cases.jsonl>
#include <simdjson.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "tokenizer.hpp"

namespace {

std::string escaped(std::string_view text, std::size_t limit) {
  std::string out;
  for (unsigned char c : text.substr(0, limit)) {
    if (c >= 0x20 && c != 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    }
  }
  if (text.size() > limit) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

// True when `text` has a code point PCRE2 10.42 (Unicode 14.0) does not know: unassigned in
// ICU 72 (Unicode 15.0) or assigned by 15.0.
bool has_post_unicode14_character(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int64_t>(text.size());
  for (std::int64_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) continue;
    UVersionInfo age;
    u_charAge(c, age);
    const bool private_use = u_charType(c) == U_PRIVATE_USE_CHAR;
    if (!private_use && (u_charType(c) == U_UNASSIGNED || age[0] > 14)) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: compare_ids <tokenizer.json> <cases.jsonl>\n";
    return 2;
  }
  try {
    const auto tokenizer = loom::tokens::Tokenizer::load(argv[1]);
    auto encoder = tokenizer->encoder();
    simdjson::dom::parser parser;
    std::ifstream in(argv[2]);
    if (!in) throw std::runtime_error(std::string("cannot open ") + argv[2]);
    struct Counts {
      std::size_t cases = 0, mismatches = 0, newer_unicode = 0;
    };
    std::map<std::string, Counts> per_kind;
    std::size_t line_number = 0, mismatches = 0, newer_unicode = 0;
    std::vector<std::uint32_t> ids;
    for (std::string line; std::getline(in, line);) {
      ++line_number;
      simdjson::dom::element row = parser.parse(line);
      const std::string kind{std::string_view(row["kind"])};
      const std::string_view text = row["text"];
      std::vector<std::uint32_t> want;
      for (std::uint64_t id : row["ids"].get_array())
        want.push_back(static_cast<std::uint32_t>(id));
      ids.clear();
      encoder->encode(text, ids);
      Counts& counts = per_kind[kind];
      ++counts.cases;
      if (ids == want) continue;
      const bool known = has_post_unicode14_character(text);
      ++(known ? counts.newer_unicode : counts.mismatches);
      if ((known ? ++newer_unicode : ++mismatches) > 20) continue;
      std::size_t at = 0;
      while (at < ids.size() && at < want.size() && ids[at] == want[at]) ++at;
      std::cout << (known ? "known (a character newer than Unicode 14.0) " : "MISMATCH ") << "line "
                << line_number << " (" << kind << "): \"" << escaped(text, 200) << "\"\n  Loom "
                << ids.size() << " ids, Hugging Face " << want.size() << "; first difference at id "
                << at << ": Loom " << (at < ids.size() ? std::to_string(ids[at]) : "end")
                << ", Hugging Face " << (at < want.size() ? std::to_string(want[at]) : "end")
                << "\n";
    }
    for (const auto& [kind, counts] : per_kind)
      std::cout << kind << ": " << counts.cases << " cases, " << counts.mismatches
                << " mismatches, " << counts.newer_unicode
                << " known differences (characters newer than Unicode 14.0)\n";
    if (line_number == 0) throw std::runtime_error("no cases in " + std::string(argv[2]));
    return mismatches == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "compare_ids: " << e.what() << "\n";
    return 2;
  }
}
