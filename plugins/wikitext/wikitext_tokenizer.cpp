// Tokenizer core: token stacks and the main dispatch loop with its safety checks.
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {

TokenStream Tokenizer::tokenize(std::string_view wikitext) {
  text_ = wikitext;
  head_ = 0;
  global_ = 0;
  depth_ = 0;
  arena_.clear();
  bad_routes_.clear();
  steps_ = 0;
  step_budget_ = kBaseSteps + kStepsPerByte * static_cast<std::uint64_t>(wikitext.size());
  TokenStream out;
  try {
    out.tokens = parse(0);
  } catch (const BadRoute&) {
    // mwparserfromhell raises ParserError here; its own tests call it unreachable.
    throw std::runtime_error("wikitext tokenizer: the outermost route failed");
  }
  out.arena = std::move(arena_);
  arena_ = std::string();
  return out;
}

void Tokenizer::throw_over_budget() const {
  throw std::runtime_error("wikitext tokenizer: over the work budget (" +
                           std::to_string(kStepsPerByte) + " steps per byte) on a " +
                           std::to_string(text_.size()) +
                           "-byte page: long runs of unclosed markup make parsing quadratic");
}

// ----- stacks -----

void Tokenizer::push(std::uint64_t context) {
  if (bad_routes_.count({head_, context}) != 0) throw BadRoute{context};
  if (depth_ == frames_.size()) frames_.emplace_back();
  Frame& f = frames_[depth_++];
  f.tokens.clear();
  f.textbuffer.clear();
  f.context = context;
  f.ident_head = head_;
  f.ident_context = context;
}

void Tokenizer::push_textbuffer() {
  Frame& f = top();
  if (f.textbuffer.empty()) return;
  Token t;
  t.kind = Tok::Text;
  t.text_begin = static_cast<std::uint32_t>(arena_.size());
  t.text_size = static_cast<std::uint32_t>(f.textbuffer.size());
  arena_ += f.textbuffer;
  f.textbuffer.clear();
  f.tokens.push_back(t);
}

Tokenizer::Tokens Tokenizer::pop(bool keep_context) {
  push_textbuffer();
  Frame& f = top();
  Tokens out;
  if (!spare_.empty()) {
    out = std::move(spare_.back());
    spare_.pop_back();
  }
  out.swap(f.tokens);
  const std::uint64_t popped_context = f.context;
  --depth_;
  if (keep_context) context() = popped_context;
  return out;
}

void Tokenizer::recycle(Tokens&& tokens) {
  tokens.clear();
  if (spare_.size() < 64) spare_.push_back(std::move(tokens));
}

bool Tokenizer::same_ident(std::ptrdiff_t head, std::uint64_t context) const {
  const Frame& f = frames_[depth_ - 1];
  return f.ident_head == head && f.ident_context == context;
}

void Tokenizer::memoize_bad_route() {
  const Frame& f = top();
  bad_routes_.insert({f.ident_head, f.ident_context});
}

void Tokenizer::fail_route() {
  const std::uint64_t failed = context();
  memoize_bad_route();
  recycle(pop());
  throw BadRoute{failed};
}

void Tokenizer::emit(Tok kind, std::uint8_t arg) {
  push_textbuffer();
  Token t;
  t.kind = kind;
  t.arg = arg;
  top().tokens.push_back(t);
}

void Tokenizer::emit_first(Tok kind, std::uint8_t arg) {
  push_textbuffer();
  Token t;
  t.kind = kind;
  t.arg = arg;
  Tokens& tokens = top().tokens;
  tokens.insert(tokens.begin(), t);
}

void Tokenizer::emit_text(std::string_view text) { top().textbuffer.append(text); }
void Tokenizer::emit_char(int c) { top().textbuffer.push_back(static_cast<char>(c)); }

void Tokenizer::emit_all(Tokens&& tokens) {
  std::size_t first = 0;
  if (!tokens.empty() && tokens[0].kind == Tok::Text) {
    top().textbuffer.append(token_text(tokens[0]));
    first = 1;
  }
  push_textbuffer();
  Tokens& dest = top().tokens;
  dest.insert(dest.end(), tokens.begin() + static_cast<std::ptrdiff_t>(first), tokens.end());
  recycle(std::move(tokens));
}

void Tokenizer::emit_text_then_stack(std::string_view text) {
  Tokens stack = pop();
  emit_text(text);
  if (!stack.empty())
    emit_all(std::move(stack));
  else
    recycle(std::move(stack));
  --head_;
}

int Tokenizer::read(std::ptrdiff_t delta) const {
  const std::ptrdiff_t index = head_ + delta;
  if (index < 0) return kStart;
  if (index >= static_cast<std::ptrdiff_t>(text_.size())) return kEnd;
  return static_cast<unsigned char>(text_[static_cast<std::size_t>(index)]);
}

int Tokenizer::read_strict(std::ptrdiff_t delta) {
  const int c = read(delta);
  if (c == kEnd) fail_route();
  return c;
}

// read(delta) is a newline or before the start of the text.
bool Tokenizer::at_line_start(std::ptrdiff_t delta) const {
  const int c = read(delta);
  return c == kStart || c == '\n';
}

// Only whitespace between the head and the start of its line (or of the text): where a table
// and its rows and cells may begin.
bool Tokenizer::after_line_start_space() const {
  std::size_t p = static_cast<std::size_t>(head_);
  while (p > 0) {
    if (text_[p - 1] == '\n') return true;
    std::size_t begin = p - 1;
    while (begin > 0 && (static_cast<unsigned char>(text_[begin]) & 0xC0) == 0x80) --begin;
    std::size_t length = 0;
    if (!is_unicode_space_at(text_, begin, &length) || begin + length != p) return false;
    p = begin;
  }
  return true;
}

// ----- main loop -----

Tokenizer::Tokens Tokenizer::parse(std::uint64_t context_bits, bool push_stack) {
  if (push_stack) push(context_bits);
  while (true) {
    charge();
    int c = read();
    if (context() & ctx::Unsafe) {
      if (!verify_safe(c)) {
        if (context() & ctx::Double) recycle(pop());
        fail_route();
      }
    } else if (c >= 0 && !is_marker(c)) {
      // Plain text outside unsafe contexts: take the whole run at once.
      std::size_t end = static_cast<std::size_t>(head_) + 1;
      while (end < text_.size() && !is_marker(static_cast<unsigned char>(text_[end]))) ++end;
      emit_text(
          text_.substr(static_cast<std::size_t>(head_), end - static_cast<std::size_t>(head_)));
      charge(end - static_cast<std::size_t>(head_));
      head_ = static_cast<std::ptrdiff_t>(end);
      continue;
    }
    if (c >= 0 && !is_marker(c)) {
      emit_char(c);
      ++head_;
      continue;
    }
    if (c == kEnd) return handle_end();
    const int next = read(1);
    const std::uint64_t cx = context();
    if (c == '{' && next == '{') {
      if (can_recurse())
        parse_template_or_argument();
      else
        emit_char('{');
    } else if (c == '|' && (cx & ctx::Template)) {
      handle_template_param();
    } else if (c == '=' && (cx & ctx::TemplateParamKey)) {
      if (!(global_ & 1) && at_line_start(-1) && next == '=')
        parse_heading();
      else
        handle_template_param_value();
    } else if (c == '}' && next == '}' && (cx & ctx::Template)) {
      return handle_template_end();
    } else if (c == '|' && (cx & ctx::ArgumentName)) {
      handle_argument_separator();
    } else if (c == '}' && next == '}' && (cx & ctx::Argument)) {
      if (read(2) == '}') return handle_argument_end();
      emit_char('}');
    } else if (c == '[' && next == '[' && can_recurse()) {
      if (!(cx & ctx::NoWikilinks))
        parse_wikilink();
      else
        emit_char('[');
    } else if (c == '|' && (cx & ctx::WikilinkTitle)) {
      handle_wikilink_separator();
    } else if (c == ']' && next == ']' && (cx & ctx::Wikilink)) {
      return handle_wikilink_end();
    } else if (c == '[') {
      parse_external_link(true);
    } else if (c == ':' && !(read(-1) == kStart || (read(-1) >= 0 && is_marker(read(-1))))) {
      parse_external_link(false);
    } else if (c == ']' && (cx & ctx::ExtLinkTitle)) {
      return pop();
    } else if (c == '=' && !(global_ & 1) && !(cx & ctx::Template)) {
      if (at_line_start(-1))
        parse_heading();
      else
        emit_char('=');
    } else if (c == '=' && (cx & ctx::Heading)) {
      return handle_heading_end();
    } else if (c == '\n' && (cx & ctx::Heading)) {
      fail_route();
    } else if (c == '&') {
      parse_entity();
    } else if (c == '<' && next == '!') {
      if (read(2) == '-' && read(3) == '-')
        parse_comment();
      else
        emit_char(c);
    } else if (c == '<' && next == '/' && read(2) != kEnd) {
      if (cx & ctx::TagBody)
        handle_tag_open_close();
      else
        handle_invalid_tag_start();
    } else if (c == '<' && !(cx & ctx::TagClose)) {
      if (can_recurse())
        parse_tag();
      else
        emit_char('<');
    } else if (c == '>' && (cx & ctx::TagClose)) {
      return handle_tag_close_close();
    } else if (c == '\'' && next == '\'') {
      if (auto result = parse_style()) return std::move(*result);
    } else if (at_line_start(-1) && (c == '#' || c == '*' || c == ';' || c == ':')) {
      handle_list();
    } else if (at_line_start(-1) && c == '-' && next == '-' && read(2) == '-' && read(3) == '-') {
      handle_hr();
    } else if ((c == '\n' || c == ':') && (cx & ctx::DlTerm)) {
      handle_dl_term();
      // A newline ends any table-cell line context too.
      if (c == '\n') context() &= ~ctx::TableCellLineContexts;
    } else if (c == '{' && next == '|' && (at_line_start(-1) || after_line_start_space())) {
      if (can_recurse())
        parse_table();
      else
        emit_char('{');
    } else if (cx & ctx::TableOpen) {
      const bool td_line = cx & ctx::TableTdLine, th_line = cx & ctx::TableThLine;
      const bool cell_open = cx & ctx::TableCellOpen;
      if (c == '|' && next == '|' && td_line) {
        if (cell_open) return handle_table_cell_end();
        handle_table_cell("||", "td", ctx::TableTdLine);
      } else if (c == '|' && next == '|' && th_line) {
        if (cell_open) return handle_table_cell_end();
        handle_table_cell("||", "th", ctx::TableThLine);
      } else if (c == '!' && next == '!' && th_line) {
        if (cell_open) return handle_table_cell_end();
        handle_table_cell("!!", "th", ctx::TableThLine);
      } else if (c == '|' && (cx & ctx::TableCellStyle)) {
        return handle_table_cell_end(true);
      } else if (c == '\n' && (cx & ctx::TableCellLineContexts)) {
        context() &= ~ctx::TableCellLineContexts;
        emit_char(c);
      } else if (at_line_start(-1) || after_line_start_space()) {
        if (c == '|' && next == '}') {
          if (cell_open) return handle_table_cell_end();
          if (cx & ctx::TableRowOpen) return pop();
          head_ += 2;
          return pop();
        }
        if (c == '|' && next == '-') {
          if (cell_open) return handle_table_cell_end();
          if (cx & ctx::TableRowOpen) return pop();
          handle_table_row();
        } else if (c == '|') {
          if (cell_open) return handle_table_cell_end();
          handle_table_cell("|", "td", ctx::TableTdLine);
        } else if (c == '!') {
          if (cell_open) return handle_table_cell_end();
          handle_table_cell("!", "th", ctx::TableThLine);
        } else {
          emit_char(c);
        }
      } else {
        emit_char(c);
      }
    } else {
      emit_char(c);
    }
    ++head_;
  }
}

// Whether c may appear at the head in the current (unsafe) context; may arm a failure for the
// next character instead.
bool Tokenizer::verify_safe(int c) {
  std::uint64_t& cx = context();
  if (cx & ctx::FailNext) return false;
  if (cx & ctx::WikilinkTitle) {
    if (c == ']' || c == '{') {
      cx |= ctx::FailNext;
    } else if (c == '\n' || c == '[' || c == '}' || c == '>') {
      return false;
    } else if (c == '<') {
      if (read(1) == '!')
        cx |= ctx::FailNext;
      else
        return false;
    }
    return true;
  }
  if (cx & ctx::ExtLinkTitle) return c != '\n';
  if (cx & ctx::TemplateName) {
    if (c == '{') {
      cx |= ctx::HasTemplate | ctx::FailNext;
      return true;
    }
    if (c == '}' || (c == '<' && read(1) == '!')) {
      cx |= ctx::FailNext;
      return true;
    }
    if (c == '[' || c == ']' || c == '<' || c == '>') return false;
    if (c == '|') return true;
    if (c >= 0x80 && c < 0xC0) return true;  // judged at the character's first byte
    const bool space = c != kEnd && is_unicode_space_at(text_, static_cast<std::size_t>(head_));
    if (cx & ctx::HasText) {
      if (cx & ctx::FailOnText) {
        if (!space) return false;
      } else if (c == '\n') {
        cx |= ctx::FailOnText;
      }
    } else if (!space) {
      cx |= ctx::HasText;
    }
    return true;
  }
  if (cx & ctx::TagClose) return c != '<';
  if (cx & ctx::FailOnEquals) {
    if (c == '=') return false;
  } else if (cx & ctx::FailOnLbrace) {
    if (c == '{' || (read(-1) == '{' && read(-2) == '{')) {
      if (cx & ctx::Template)
        cx |= ctx::FailOnEquals;
      else
        cx |= ctx::FailNext;
      return true;
    }
    cx ^= ctx::FailOnLbrace;
  } else if (cx & ctx::FailOnRbrace) {
    if (c == '}') {
      cx |= ctx::FailNext;
      return true;
    }
    cx ^= ctx::FailOnRbrace;
  } else if (c == '{') {
    cx |= ctx::FailOnLbrace;
  } else if (c == '}') {
    cx |= ctx::FailOnRbrace;
  }
  return true;
}

Tokenizer::Tokens Tokenizer::handle_end() {
  if (context() & ctx::Fail) {
    if ((context() & ctx::TagBody) && is_single_tag(open_tag_name()))
      return handle_single_tag_end();
    if (context() & ctx::TableCellOpen) recycle(pop());
    if (context() & ctx::Double) recycle(pop());
    fail_route();
  }
  return pop();
}

}  // namespace loom::wikitext
