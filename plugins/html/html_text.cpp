#include "html_text.hpp"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace loom::html {
namespace {

// bs4 gives strings inside these tags their own classes, which get_text() leaves out.
constexpr std::array<std::string_view, 5> hidden_string_tags = {"script", "style", "template", "rt",
                                                                "rp"};
// bs4 keeps whitespace-only strings verbatim only inside these.
constexpr std::array<std::string_view, 2> whitespace_preserving_tags = {"pre", "textarea"};

bool is_one_of(std::string_view name, auto const& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string_view view(const xmlChar* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

// Mirrors bs4's BeautifulSoup object: pending character data becomes one string at every tag,
// comment or processing instruction boundary.
struct TextCollector {
  std::string out;
  std::string pending;
  std::vector<std::string> open_tags;

  bool hidden() const {
    for (auto it = open_tags.rbegin(); it != open_tags.rend(); ++it)
      if (is_one_of(*it, hidden_string_tags)) return true;
    return false;
  }
  bool preserves_whitespace() const {
    return std::any_of(open_tags.begin(), open_tags.end(), [](const std::string& t) {
      return is_one_of(t, whitespace_preserving_tags);
    });
  }
  void flush() {
    if (pending.empty()) return;
    const bool blank = pending.find_first_not_of(" \n\t\f\r") == std::string::npos;
    if (blank && !preserves_whitespace())
      pending.assign(1, pending.find('\n') != std::string::npos ? '\n' : ' ');
    if (!hidden()) out += pending;
    pending.clear();
  }
};

TextCollector& collector(void* ctx) {
  auto* parser = static_cast<htmlParserCtxtPtr>(ctx);
  return *static_cast<TextCollector*>(parser->_private);
}

void on_start(void* ctx, const xmlChar* name, const xmlChar**) {
  TextCollector& c = collector(ctx);
  c.flush();
  c.open_tags.emplace_back(view(name));
}

void on_end(void* ctx, const xmlChar* name) {
  TextCollector& c = collector(ctx);
  c.flush();
  // libxml2 reports every close (implied ones too) in nesting order.
  const std::string_view closing = view(name);
  for (auto it = c.open_tags.rbegin(); it != c.open_tags.rend(); ++it) {
    if (*it == closing) {
      c.open_tags.erase(std::next(it).base(), c.open_tags.end());
      return;
    }
  }
}

void on_characters(void* ctx, const xmlChar* text, int length) {
  collector(ctx).pending.append(reinterpret_cast<const char*>(text),
                                static_cast<std::size_t>(length));
}

void on_boundary(void* ctx, const xmlChar*) { collector(ctx).flush(); }
void on_processing_instruction(void* ctx, const xmlChar*, const xmlChar*) {
  collector(ctx).flush();
}
void on_diagnostic(void*, const char*, ...) {}

htmlSAXHandler make_handler() {
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_characters;
  sax.ignorableWhitespace = on_characters;
  sax.cdataBlock = on_characters;  // script/style bodies; hidden by the tag stack
  sax.comment = on_boundary;
  sax.processingInstruction = on_processing_instruction;
  sax.warning = on_diagnostic;
  sax.error = on_diagnostic;
  return sax;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  std::size_t start = 0;
  for (std::size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(s, start, at - start);
    out.append(to);
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

}  // namespace

std::string mark_list_items(std::string_view html) {
  std::string s(html);
  replace_all(s, "<li>", "\n*");
  replace_all(s, "</li>", "");
  replace_all(s, "<ol>", "\n*");
  replace_all(s, "</ol>", "");
  return s;
}

std::string html_to_text(std::string_view html) {
  if (html.size() > static_cast<std::size_t>(INT_MAX))
    throw std::length_error("html_to_text: input larger than 2 GiB");
  static htmlSAXHandler handler = make_handler();
  TextCollector collected;
  // lxml's feed parser starts the push parser with the first 4 bytes and pushes the rest: do
  // the same, since libxml2's push parser is sensitive to where chunks split.
  const int head = static_cast<int>(std::min<std::size_t>(html.size(), 4));
  htmlParserCtxtPtr parser = htmlCreatePushParserCtxt(&handler, nullptr, html.data(), head, nullptr,
                                                      XML_CHAR_ENCODING_UTF8);
  if (parser == nullptr) throw std::runtime_error("html_to_text: cannot create an HTML parser");
  parser->_private = &collected;
  htmlCtxtUseOptions(parser, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_COMPACT);
  if (html.size() > static_cast<std::size_t>(head))
    htmlParseChunk(parser, html.data() + head, static_cast<int>(html.size()) - head, 0);
  htmlParseChunk(parser, nullptr, 0, 1);
  htmlFreeParserCtxt(parser);
  collected.flush();
  return std::move(collected.out);
}

std::string clean_post_html(std::string_view html) { return html_to_text(mark_list_items(html)); }

}  // namespace loom::html
