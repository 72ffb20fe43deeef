// Tokenizer: templates and arguments, wikilinks, headings, entities and comments.
#include <bit>

#include "html_entities.hpp"
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {

// ----- templates and arguments -----

void Tokenizer::parse_template_or_argument() {
  head_ += 2;
  std::size_t braces = 2;
  while (read() == '{') {
    ++head_;
    ++braces;
  }
  bool has_content = false;
  push();
  while (braces != 0) {
    if (braces == 1) return emit_text_then_stack("{");
    if (braces == 2) {
      try {
        parse_template(has_content);
      } catch (const BadRoute&) {
        return emit_text_then_stack("{{");
      }
      break;
    }
    try {
      parse_argument();
      braces -= 3;
    } catch (const BadRoute&) {
      try {
        parse_template(has_content);
        braces -= 2;
      } catch (const BadRoute&) {
        return emit_text_then_stack(std::string(braces, '{'));
      }
    }
    if (braces != 0) {
      has_content = true;
      ++head_;
    }
  }
  emit_all(pop());
  if (context() & ctx::FailNext) context() ^= ctx::FailNext;
}

void Tokenizer::parse_template(bool has_content) {
  const std::ptrdiff_t reset = head_;
  Tokens body;
  try {
    body = parse(ctx::TemplateName | (has_content ? ctx::HasTemplate : 0));
  } catch (const BadRoute&) {
    head_ = reset;
    throw;
  }
  emit_first(Tok::TemplateOpen);
  emit_all(std::move(body));
  emit(Tok::TemplateClose);
}

void Tokenizer::parse_argument() {
  const std::ptrdiff_t reset = head_;
  Tokens body;
  try {
    body = parse(ctx::ArgumentName);
  } catch (const BadRoute&) {
    head_ = reset;
    throw;
  }
  emit_first(Tok::ArgumentOpen);
  emit_all(std::move(body));
  emit(Tok::ArgumentClose);
}

void Tokenizer::handle_template_param() {
  if (context() & ctx::TemplateName) {
    if (!(context() & (ctx::HasText | ctx::HasTemplate))) fail_route();
    context() ^= ctx::TemplateName;
  } else if (context() & ctx::TemplateParamValue) {
    context() ^= ctx::TemplateParamValue;
  } else {
    emit_all(pop());
  }
  context() |= ctx::TemplateParamKey;
  emit(Tok::TemplateParamSeparator);
  push(context());
}

void Tokenizer::handle_template_param_value() {
  emit_all(pop());
  context() ^= ctx::TemplateParamKey;
  context() |= ctx::TemplateParamValue;
  emit(Tok::TemplateParamEquals);
}

Tokenizer::Tokens Tokenizer::handle_template_end() {
  if (context() & ctx::TemplateName) {
    if (!(context() & (ctx::HasText | ctx::HasTemplate))) fail_route();
  } else if (context() & ctx::TemplateParamKey) {
    emit_all(pop());
  }
  ++head_;
  return pop();
}

void Tokenizer::handle_argument_separator() {
  context() ^= ctx::ArgumentName;
  context() |= ctx::ArgumentDefault;
  emit(Tok::ArgumentSeparator);
}

Tokenizer::Tokens Tokenizer::handle_argument_end() {
  head_ += 2;
  return pop();
}

// ----- wikilinks -----

void Tokenizer::parse_wikilink() {
  const std::ptrdiff_t reset = head_ + 1;
  head_ += 2;
  std::optional<std::pair<Tokens, std::string>> external;
  // [[http://...]] is an external link inside brackets. Most wikilinks start with no scheme:
  // those skip the attempt rather than throw out of it.
  if (bracketed_uri_scheme_ahead()) {
    try {
      external = really_parse_external_link(true);
    } catch (const BadRoute&) {
    }
  }
  if (external) {
    if (context() & ctx::ExtLinkTitle) {
      // ... except inside another external link's title, where it is text.
      recycle(std::move(external->first));
      head_ = reset;
      emit_text("[[");
      return;
    }
    emit_text("[");
    emit(Tok::ExternalLinkOpen, 1);
    emit_all(std::move(external->first));
    emit(Tok::ExternalLinkClose);
    return;
  }
  head_ = reset + 1;
  Tokens link;
  try {
    link = parse(ctx::WikilinkTitle);
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("[[");
    return;
  }
  emit(Tok::WikilinkOpen);
  emit_all(std::move(link));
  emit(Tok::WikilinkClose);
}

void Tokenizer::handle_wikilink_separator() {
  context() ^= ctx::WikilinkTitle;
  context() |= ctx::WikilinkText;
  emit(Tok::WikilinkSeparator);
}

Tokenizer::Tokens Tokenizer::handle_wikilink_end() {
  ++head_;
  return pop();
}

// ----- headings -----

void Tokenizer::parse_heading() {
  global_ |= 1;
  const std::ptrdiff_t reset = head_;
  ++head_;
  int best = 1;
  while (read() == '=') {
    ++best;
    ++head_;
  }
  const std::uint64_t level_context = ctx::HeadingLevel1 << std::min(best - 1, 5);
  Tokens title;
  int level = 0;
  try {
    title = parse(level_context);
    level = heading_level_;
  } catch (const BadRoute&) {
    head_ = reset + best - 1;
    emit_text(std::string(static_cast<std::size_t>(best), '='));
    global_ ^= 1;
    return;
  }
  emit(Tok::HeadingStart, static_cast<std::uint8_t>(level));
  if (level < best) emit_text(std::string(static_cast<std::size_t>(best - level), '='));
  emit_all(std::move(title));
  emit(Tok::HeadingEnd);
  global_ ^= 1;
}

Tokenizer::Tokens Tokenizer::handle_heading_end() {
  const std::ptrdiff_t reset = head_;
  ++head_;
  int best = 1;
  while (read() == '=') {
    ++best;
    ++head_;
  }
  const int current = static_cast<int>(std::bit_width(context() >> 9));
  const int level = std::min(current, std::min(best, 6));
  Tokens after;
  try {
    // A later run of '=' on the same line may be the real closing one.
    after = parse(context());
  } catch (const BadRoute&) {
    if (level < best) emit_text(std::string(static_cast<std::size_t>(best - level), '='));
    head_ = reset + best - 1;
    heading_level_ = level;
    return pop();
  }
  const int after_level = heading_level_;
  emit_text(std::string(static_cast<std::size_t>(best), '='));
  emit_all(std::move(after));
  heading_level_ = after_level;
  return pop();
}

// ----- entities and comments -----

void Tokenizer::really_parse_entity() {
  emit(Tok::EntityStart);
  ++head_;
  int c = read_strict();
  bool numeric = false, hexadecimal = false;
  if (c == '#') {
    numeric = true;
    emit(Tok::EntityNumeric);
    ++head_;
    c = read_strict();
    if (c == 'x' || c == 'X') {
      hexadecimal = true;
      emit(Tok::EntityHex, static_cast<std::uint8_t>(c));
      ++head_;
    }
  }
  std::string value;
  std::size_t zeroes = 0;
  while (true) {
    c = read();
    if (c == ';') {
      if (value.empty()) fail_route();
      break;
    }
    if (numeric && value.empty() && c == '0') {
      ++zeroes;
      ++head_;
      continue;
    }
    if (value.size() >= 8 || c < 0 || c >= 0x80) fail_route();
    const bool digit = c >= '0' && c <= '9';
    const bool hex_letter = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool valid = hexadecimal ? (digit || hex_letter) : numeric ? digit : (digit || letter);
    if (!valid) fail_route();
    value.push_back(static_cast<char>(c));
    ++head_;
  }
  if (numeric) {
    const unsigned long code = std::stoul(value, nullptr, hexadecimal ? 16 : 10);
    if (code < 1 || code > 0x10FFFF) fail_route();
  } else if (named_entity_codepoint(value) == 0) {
    fail_route();
  }
  push_textbuffer();
  Token t;
  t.kind = Tok::Text;
  t.text_begin = static_cast<std::uint32_t>(arena_.size());
  arena_.append(zeroes, '0');
  arena_ += value;
  t.text_size = static_cast<std::uint32_t>(arena_.size() - t.text_begin);
  top().tokens.push_back(t);
  emit(Tok::EntityEnd);
}

void Tokenizer::parse_entity() {
  const std::ptrdiff_t reset = head_;
  try {
    push(ctx::HtmlEntity);
    really_parse_entity();
  } catch (const BadRoute&) {
    head_ = reset;
    emit_char(read());
    return;
  }
  emit_all(pop());
}

void Tokenizer::parse_comment() {
  head_ += 4;
  const std::ptrdiff_t reset = head_ - 1;
  push();
  const std::size_t close = text_.find("-->", static_cast<std::size_t>(head_));
  charge((close == std::string_view::npos ? text_.size() : close) -
         static_cast<std::size_t>(head_));
  if (close == std::string_view::npos) {
    recycle(pop());
    head_ = reset;
    emit_text("<!--");
    return;
  }
  emit_text(text_.substr(static_cast<std::size_t>(head_), close - static_cast<std::size_t>(head_)));
  head_ = static_cast<std::ptrdiff_t>(close);
  emit_first(Tok::CommentStart);
  emit(Tok::CommentEnd);
  emit_all(pop());
  head_ += 2;
  // verify_safe arms FailNext on "<!" inside names and titles; a real comment disarms it.
  if (context() & ctx::FailNext) context() ^= ctx::FailNext;
}

}  // namespace loom::wikitext
