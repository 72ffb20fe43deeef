// Tokenizer: HTML-style tags with their attributes, parsed and blacklisted bodies.
#include "wikitext_definitions.hpp"
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {
namespace {
bool is_ascii_space(int c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
}
}  // namespace

std::string_view Tokenizer::open_tag_name() {
  const Tokens& tokens = top().tokens;
  if (tokens.size() < 2 || tokens[1].kind != Tok::Text) return {};
  return token_text(tokens[1]);
}

void Tokenizer::push_tag_buffer(TagData& data) {
  if (data.context & TagData::Quoted) {
    emit_first(Tok::TagAttrQuote, static_cast<std::uint8_t>(data.quoter));
    emit_all(pop());
  }
  emit_first(Tok::TagAttrStart);
  emit_all(pop());
}

void Tokenizer::handle_tag_space(TagData& data, int c) {
  const int cx = data.context;
  const bool end_of_value =
      (cx & TagData::AttrValue) && !(cx & (TagData::Quoted | TagData::NoteQuote));
  if (end_of_value || ((cx & TagData::Quoted) && (cx & TagData::NoteSpace))) {
    push_tag_buffer(data);
    data.context = TagData::AttrReady;
  } else if (cx & TagData::NoteSpace) {
    data.context = TagData::AttrReady;
  } else if (cx & TagData::AttrName) {
    data.context |= TagData::NoteEquals;
  }
  // Whitespace is kept only inside a quoted value; elsewhere it is padding.
  if ((cx & TagData::Quoted) && !(cx & TagData::NoteSpace)) emit_char(c);
}

void Tokenizer::handle_tag_text(int c) {
  const int next = read(1);
  if (!can_recurse() || c < 0 || !is_marker(c))
    emit_char(c);
  else if (c == '{' && next == '{')
    parse_template_or_argument();
  else if (c == '[' && next == '[')
    parse_wikilink();
  else if (c == '<')
    parse_tag();
  else
    emit_char(c);
}

void Tokenizer::handle_tag_data(TagData& data, int c) {
  const bool space = is_ascii_space(c);
  if (data.context & TagData::Name) {
    const bool first_time = !(data.context & TagData::NoteSpace);
    if (is_marker(c) || (space && first_time)) fail_route();  // names start with text
    if (first_time) {
      data.context |= TagData::NoteSpace;
    } else if (space) {
      data.context = TagData::AttrReady;
      handle_tag_space(data, c);
      return;
    }
  } else if (space) {
    handle_tag_space(data, c);
    return;
  } else if (data.context & TagData::NoteSpace) {
    if (data.context & TagData::Quoted) {
      // Text right after a closing quote: read the value again, unquoted.
      data.context = TagData::AttrValue;
      memoize_bad_route();
      recycle(pop());
      head_ = data.reset - 1;
      return;
    }
    fail_route();
  } else if (data.context & TagData::AttrReady) {
    data.context = TagData::AttrName;
    push(ctx::TagAttr);
  } else if (data.context & TagData::AttrName) {
    if (c == '=') {
      data.context = TagData::AttrValue | TagData::NoteQuote;
      emit(Tok::TagAttrEquals);
      return;
    }
    if (data.context & TagData::NoteEquals) {
      push_tag_buffer(data);
      data.context = TagData::AttrName;
      push(ctx::TagAttr);
    }
  } else {  // attribute value
    const bool escaped = read(-1) == '\\' && read(-2) != '\\';
    if (data.context & TagData::NoteQuote) {
      data.context ^= TagData::NoteQuote;
      if ((c == '"' || c == '\'') && !escaped) {
        data.context |= TagData::Quoted;
        data.quoter = c;
        data.reset = head_;
        try {
          push(context());
        } catch (const BadRoute&) {
          // This quoted value already failed once: take the quote as text.
          data.context = TagData::AttrValue;
          --head_;
        }
        return;
      }
    } else if (data.context & TagData::Quoted) {
      if (c == data.quoter && !escaped) {
        data.context |= TagData::NoteSpace;
        return;
      }
    }
  }
  handle_tag_text(c);
}

void Tokenizer::handle_tag_close_open(TagData& data, Tok kind) {
  if (data.context & (TagData::AttrName | TagData::AttrValue)) push_tag_buffer(data);
  emit(kind);
  ++head_;
}

void Tokenizer::handle_tag_open_close() {
  emit(Tok::TagOpenClose);
  push(ctx::TagClose);
  ++head_;
}

Tokenizer::Tokens Tokenizer::handle_tag_close_close() {
  Tokens closing = pop();
  const bool matches =
      closing.size() == 1 && closing[0].kind == Tok::Text &&
      equals_ascii_lower(rstrip_space(token_text(closing[0])), rstrip_space(open_tag_name()));
  if (!matches) {
    recycle(std::move(closing));
    fail_route();
  }
  emit_all(std::move(closing));
  emit(Tok::TagCloseClose);
  return pop();
}

// Segment of mwparserfromhell's Python tokenizer starting at pos: one break character, or the
// run of other characters up to the next one.
static std::size_t segment_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return pos;
  if (is_segment_break(static_cast<unsigned char>(text[pos]))) return pos + 1;
  std::size_t end = pos;
  while (end < text.size() && !is_segment_break(static_cast<unsigned char>(text[end]))) ++end;
  return end;
}

// Body of a tag whose contents are not wikitext (nowiki, pre, math, ...): text up to the
// matching close tag, entities still decoded.
Tokenizer::Tokens Tokenizer::handle_blacklisted_tag() {
  while (true) {
    charge();
    const int c = read(), next = read(1);
    if (c == kEnd) fail_route();
    if (c == '<' && next == '/') {
      const std::size_t name_begin = static_cast<std::size_t>(head_) + 2;
      const std::size_t name_end = segment_end(text_, name_begin);
      const std::string_view name = text_.substr(name_begin, name_end - name_begin);
      if (name_end < text_.size() && text_[name_end] == '>' &&
          equals_ascii_lower(rstrip_space(name), rstrip_space(open_tag_name()))) {
        emit(Tok::TagOpenClose);
        emit_text(name);
        emit(Tok::TagCloseClose);
        head_ = static_cast<std::ptrdiff_t>(name_end);
        return pop();
      }
      emit_text("</");
      head_ = static_cast<std::ptrdiff_t>(name_begin);
      continue;
    }
    if (c == '&')
      parse_entity();
    else
      emit_char(c);
    ++head_;
  }
}

Tokenizer::Tokens Tokenizer::handle_single_only_tag_end() {
  top().tokens.pop_back();  // the TagCloseOpen just emitted
  emit(Tok::TagCloseSelfclose, 1);
  --head_;
  return pop();
}

// End of input inside a tag that may stay unclosed (li, td, ...): it becomes self-closing and
// what followed its open tag becomes its siblings.
Tokenizer::Tokens Tokenizer::handle_single_tag_end() {
  Tokens& tokens = top().tokens;
  int depth = 1;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    if (tokens[i].kind == Tok::TagOpenOpen) {
      ++depth;
    } else if (tokens[i].kind == Tok::TagCloseOpen) {
      if (--depth == 0) {
        tokens[i].kind = Tok::TagCloseSelfclose;
        tokens[i].arg = 1;
        return pop();
      }
    } else if (tokens[i].kind == Tok::TagCloseSelfclose) {
      if (--depth == 0) break;
    }
  }
  throw std::runtime_error("wikitext tokenizer: unclosed single tag without an open tag end");
}

Tokenizer::Tokens Tokenizer::really_parse_tag() {
  TagData data;
  push(ctx::TagOpen);
  emit(Tok::TagOpenOpen);
  while (true) {
    charge();
    const int c = read(), next = read(1);
    const bool can_exit =
        !(data.context & (TagData::Quoted | TagData::Name)) || (data.context & TagData::NoteSpace);
    if (c == kEnd) {
      if (context() & ctx::TagAttr) {
        if (data.context & TagData::Quoted) {
          // Unclosed quote: read the value again, unquoted.
          data.context = TagData::AttrValue;
          memoize_bad_route();
          recycle(pop());
          head_ = data.reset;
          continue;
        }
        recycle(pop());
      }
      fail_route();
    } else if (c == '>' && can_exit) {
      handle_tag_close_open(data, Tok::TagCloseOpen);
      context() = ctx::TagBody;
      const std::string_view name = open_tag_name();
      if (is_single_only_tag(name)) return handle_single_only_tag_end();
      if (is_parsable_tag(name)) return parse(0, false);
      return handle_blacklisted_tag();
    } else if (c == '/' && next == '>' && can_exit) {
      handle_tag_close_open(data, Tok::TagCloseSelfclose);
      return pop();
    } else {
      handle_tag_data(data, c);
    }
    ++head_;
  }
}

// "</br>" outside any tag body: a single-only tag written as a close tag.
void Tokenizer::handle_invalid_tag_start() {
  const std::ptrdiff_t reset = head_ + 1;
  head_ += 2;
  const std::size_t begin = static_cast<std::size_t>(head_);
  std::size_t end = segment_end(text_, begin);
  std::string_view name = text_.substr(begin, end - begin);
  const std::size_t cut = name.find_first_of(" \t\n\v\f\r\"'\\");
  if (cut != std::string_view::npos) name = name.substr(0, cut);
  Tokens tag;
  try {
    if (!is_single_only_tag(name)) throw BadRoute{0};
    tag = really_parse_tag();
  } catch (const BadRoute&) {
    head_ = reset;
    emit_text("</");
    return;
  }
  tag[0].arg = 2;  // invalid: written as a close tag
  emit_all(std::move(tag));
}

void Tokenizer::parse_tag() {
  const std::ptrdiff_t reset = head_;
  ++head_;
  Tokens tag;
  try {
    tag = really_parse_tag();
  } catch (const BadRoute&) {
    head_ = reset;
    emit_char('<');
    return;
  }
  emit_all(std::move(tag));
}

}  // namespace loom::wikitext
