// Tokenizer: wiki-markup bold and italics, lists and horizontal rules.
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {

// ----- '' and ''' -----

void Tokenizer::emit_style_tag(std::string_view tag, Tokens&& body) {
  emit(Tok::TagOpenOpen, 1);
  emit_text(tag);
  emit(Tok::TagCloseOpen);
  emit_all(std::move(body));
  emit(Tok::TagOpenClose);
  emit_text(tag);
  emit(Tok::TagCloseClose);
}

void Tokenizer::parse_italics() {
  const std::ptrdiff_t reset = head_;
  Tokens stack;
  try {
    stack = parse(ctx::StyleItalics);
  } catch (const BadRoute& route) {
    head_ = reset;
    if (!(route.context & ctx::StylePassAgain)) {
      emit_text("''");
      return;
    }
    try {
      stack = parse(ctx::StyleItalics | ctx::StyleSecondPass);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("''");
      return;
    }
  }
  emit_style_tag("i", std::move(stack));
}

// Returns true when the enclosing italics route must end here (second pass).
bool Tokenizer::parse_bold() {
  const std::ptrdiff_t reset = head_;
  Tokens stack;
  try {
    stack = parse(ctx::StyleBold);
  } catch (const BadRoute&) {
    head_ = reset;
    if (context() & ctx::StyleSecondPass) {
      emit_char('\'');
      return true;
    }
    if (context() & ctx::StyleItalics) {
      context() |= ctx::StylePassAgain;
      emit_text("'''");
    } else {
      emit_char('\'');
      parse_italics();
    }
    return false;
  }
  emit_style_tag("b", std::move(stack));
  return false;
}

void Tokenizer::parse_italics_and_bold() {
  std::ptrdiff_t reset = head_;
  Tokens stack;
  try {
    stack = parse(ctx::StyleBold);
  } catch (const BadRoute&) {
    head_ = reset;
    try {
      stack = parse(ctx::StyleItalics);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("'''''");
      return;
    }
    reset = head_;
    Tokens stack2;
    try {
      stack2 = parse(ctx::StyleBold);
    } catch (const BadRoute&) {
      head_ = reset;
      emit_text("'''");
      emit_style_tag("i", std::move(stack));
      return;
    }
    push();
    emit_style_tag("i", std::move(stack));
    emit_all(std::move(stack2));
    emit_style_tag("b", pop());
    return;
  }
  reset = head_;
  Tokens stack2;
  try {
    stack2 = parse(ctx::StyleItalics);
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("''");
    emit_style_tag("b", std::move(stack));
    return;
  }
  push();
  emit_style_tag("b", std::move(stack));
  emit_all(std::move(stack2));
  emit_style_tag("i", pop());
}

std::optional<Tokenizer::Tokens> Tokenizer::parse_style() {
  head_ += 2;
  int ticks = 2;
  while (read() == '\'') {
    ++head_;
    ++ticks;
  }
  const bool italics = context() & ctx::StyleItalics;
  const bool bold = context() & ctx::StyleBold;
  if (ticks > 5) {
    emit_text(std::string(static_cast<std::size_t>(ticks - 5), '\''));
    ticks = 5;
  } else if (ticks == 4) {
    emit_char('\'');
    ticks = 3;
  }
  if ((italics && (ticks == 2 || ticks == 5)) || (bold && (ticks == 3 || ticks == 5))) {
    if (ticks == 5) head_ -= italics ? 3 : 2;
    return pop();
  }
  if (!can_recurse()) {
    if (ticks == 3) {
      if (context() & ctx::StyleSecondPass) {
        emit_char('\'');
        return pop();
      }
      if (context() & ctx::StyleItalics) context() |= ctx::StylePassAgain;
    }
    emit_text(std::string(static_cast<std::size_t>(ticks), '\''));
  } else if (ticks == 2) {
    parse_italics();
  } else if (ticks == 3) {
    if (parse_bold()) return pop();
  } else {
    parse_italics_and_bold();
  }
  --head_;
  return std::nullopt;
}

// ----- lists and horizontal rules -----

void Tokenizer::handle_list_marker() {
  const int markup = read();
  if (markup == ';') context() |= ctx::DlTerm;
  emit(Tok::TagOpenOpen, 1);
  emit_text(markup == ';' ? "dt" : markup == ':' ? "dd" : "li");
  emit(Tok::TagCloseSelfclose);
}

void Tokenizer::handle_list() {
  handle_list_marker();
  for (int next = read(1); next == '#' || next == '*' || next == ';' || next == ':';
       next = read(1)) {
    ++head_;
    handle_list_marker();
  }
}

void Tokenizer::handle_hr() {
  head_ += 3;
  while (read(1) == '-') ++head_;
  emit(Tok::TagOpenOpen, 1);
  emit_text("hr");
  emit(Tok::TagCloseSelfclose);
}

void Tokenizer::handle_dl_term() {
  context() ^= ctx::DlTerm;
  if (read() == ':')
    handle_list_marker();
  else
    emit_char('\n');
}

}  // namespace loom::wikitext
