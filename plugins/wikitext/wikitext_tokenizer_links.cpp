// Tokenizer: external links, bracketed ([http://x title]) and free (http://x in running text).
#include "wikitext_definitions.hpp"
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {

void Tokenizer::parse_bracketed_uri_scheme() {
  push(ctx::ExtLinkUri);
  if (read() == '/' && read(1) == '/') {
    emit_text("//");
    head_ += 2;
    return;
  }
  std::string scheme;
  while (read() >= 0 && is_uri_scheme_char(read())) {
    scheme.push_back(static_cast<char>(read()));
    emit_char(read());
    ++head_;
  }
  if (read() != ':') fail_route();
  emit_char(':');
  ++head_;
  const bool slashes = read() == '/' && read(1) == '/';
  if (slashes) {
    emit_text("//");
    head_ += 2;
  }
  if (!is_uri_scheme(scheme, slashes)) fail_route();
}

// Whether parse_bracketed_uri_scheme, the head just past a '[', would find a valid scheme: the
// same checks without a route pushed or failed. Unlike a failed route, a "no" is not memoized;
// only that route pushes with exactly ctx::ExtLinkUri there, so the memo changes no other route.
bool Tokenizer::bracketed_uri_scheme_ahead() const {
  if (read() == '/' && read(1) == '/') return true;
  std::string scheme;
  std::ptrdiff_t at = 0;
  while (read(at) >= 0 && is_uri_scheme_char(read(at))) {
    scheme.push_back(static_cast<char>(read(at)));
    ++at;
  }
  if (read(at) != ':') return false;
  return is_uri_scheme(scheme, read(at + 1) == '/' && read(at + 2) == '/');
}

// The scheme of a free link ending the text buffer (already read as text), taken back up to
// the first non-word character; nullopt when the text there cannot be a scheme. The head is just
// past the ':'.
std::optional<std::string> Tokenizer::free_uri_scheme() {
  const std::string& buffer = top().textbuffer;
  std::size_t start = buffer.size();
  while (start > 0) {
    std::size_t begin = start - 1;
    while (begin > 0 && (static_cast<unsigned char>(buffer[begin]) & 0xC0) == 0x80) --begin;
    const char32_t cp = decode_utf8_at(buffer, begin);
    if (!is_word_char(cp)) break;
    if (cp >= 0x80 || !is_uri_scheme_char(static_cast<int>(cp))) return std::nullopt;
    start = begin;
  }
  std::string scheme = buffer.substr(start);
  if (!is_uri_scheme(scheme, read() == '/' && read(1) == '/')) return std::nullopt;
  return scheme;
}

void Tokenizer::parse_free_uri_scheme() {
  const std::optional<std::string> found = free_uri_scheme();
  if (!found) throw BadRoute{0};
  const std::string& scheme = *found;
  const bool slashes = read() == '/' && read(1) == '/';
  push(context() | ctx::ExtLinkUri);
  emit_text(scheme);
  emit_char(':');
  if (slashes) {
    emit_text("//");
    head_ += 2;
  }
}

// Trailing punctuation of a free link is held back in `tail` and only becomes part of the link
// when more link text follows it; after a '(' a ')' is link text too.
void Tokenizer::handle_free_link_text(bool& parens, std::string& tail, int c) {
  const bool punct = c == ',' || c == ';' || c == '\\' || c == '.' || c == ':' || c == '!' ||
                     c == '?' || (!parens && c == ')');
  if (c == '(' && !parens) parens = true;
  if (punct) {
    tail.push_back(static_cast<char>(c));
    return;
  }
  if (!tail.empty()) {
    emit_text(tail);
    tail.clear();
  }
  emit_char(c);
}

bool Tokenizer::is_uri_end(int c, int next) {
  const std::uint64_t cx = context();
  return c == kEnd || c == '\n' || c == '[' || c == ']' || c == '<' || c == '>' || c == '"' ||
         c == ' ' || (c == '\'' && next == '\'') || (c == '|' && (cx & ctx::Template)) ||
         (c == '=' && (cx & (ctx::TemplateParamKey | ctx::Heading))) ||
         (c == '}' && next == '}' && (cx & ctx::Template)) ||
         (c == '}' && next == '}' && read(2) == '}' && (cx & ctx::Argument));
}

std::pair<Tokenizer::Tokens, std::string> Tokenizer::really_parse_external_link(bool brackets) {
  if (brackets)
    parse_bracketed_uri_scheme();
  else
    parse_free_uri_scheme();
  const int first = read();
  if (first == kEnd || first == '\n' || first == ' ' || first == ']' || (!brackets && first == '['))
    fail_route();
  std::string tail;
  bool parens = false;
  auto flush_tail = [&] {
    if (!tail.empty()) {
      emit_text(tail);
      tail.clear();
    }
  };
  while (true) {
    charge();
    const int c = read(), next = read(1);
    if (c == '&') {
      flush_tail();
      parse_entity();
    } else if (c == '<' && next == '!' && read(2) == '-' && read(3) == '-') {
      flush_tail();
      parse_comment();
    } else if (c == '{' && next == '{' && can_recurse()) {
      flush_tail();
      parse_template_or_argument();
    } else if (brackets) {
      if (c == kEnd || c == '\n') fail_route();
      if (c == ']') return {pop(), std::string()};
      if (is_uri_end(c, next)) {
        if (c == ' ') {
          emit(Tok::ExternalLinkSeparator);
          ++head_;
        } else {
          emit(Tok::ExternalLinkSeparator, 1);  // no space between url and title
        }
        context() ^= ctx::ExtLinkUri;
        context() |= ctx::ExtLinkTitle;
        return {parse(0, false), std::string()};
      }
      emit_char(c);
    } else {
      if (is_uri_end(c, next)) {
        if (c == ' ')
          tail.push_back(' ');
        else
          --head_;
        return {pop(), std::move(tail)};
      }
      handle_free_link_text(parens, tail, c);
    }
    ++head_;
  }
}

void Tokenizer::remove_uri_scheme_from_textbuffer(std::size_t length) {
  std::string& buffer = top().textbuffer;
  buffer.resize(buffer.size() - std::min(length, buffer.size()));
}

void Tokenizer::parse_external_link(bool brackets) {
  if ((context() & ctx::NoExtLinks) || !can_recurse()) {
    if (!brackets && (context() & ctx::DlTerm))
      handle_dl_term();
    else
      emit_char(read());
    return;
  }
  const std::ptrdiff_t reset = head_;
  ++head_;
  // Most colons in running text follow a word that is no scheme, and most brackets open no
  // external link ("[[" or a bare "[x]"): settle those without a throw, which the route's
  // exception would cost (a third of the cleaner's time on Wikipedia pages).
  if (brackets && !bracketed_uri_scheme_ahead()) {
    head_ = reset;
    emit_char(read());
    return;
  }
  if (!brackets && !free_uri_scheme()) {
    head_ = reset;
    if (context() & ctx::DlTerm)
      handle_dl_term();
    else
      emit_char(read());
    return;
  }
  std::pair<Tokens, std::string> link;
  try {
    link = really_parse_external_link(brackets);
  } catch (const BadRoute&) {
    head_ = reset;
    if (!brackets && (context() & ctx::DlTerm))
      handle_dl_term();
    else
      emit_char(read());
    return;
  }
  if (!brackets) {
    const std::string_view first = token_text(link.first.front());
    remove_uri_scheme_from_textbuffer(first.substr(0, first.find(':')).size());
  }
  emit(Tok::ExternalLinkOpen, brackets ? 1 : 0);
  emit_all(std::move(link.first));
  emit(Tok::ExternalLinkClose);
  if (!link.second.empty()) emit_text(link.second);
}

}  // namespace loom::wikitext
