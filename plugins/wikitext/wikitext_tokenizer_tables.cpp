// Tokenizer: wiki tables ({| ... |}), their rows and cells with optional style attributes.
#include "wikitext_tokenizer.hpp"

namespace loom::wikitext {

void Tokenizer::emit_table_tag(std::string_view tag, Tokens* style, bool close_open_markup,
                               Tokens&& contents) {
  (void)close_open_markup;  // markup details do not change the tree's text
  emit(Tok::TagOpenOpen, 1);
  emit_text(tag);
  if (style != nullptr && !style->empty()) emit_all(std::move(*style));
  emit(Tok::TagCloseOpen);
  if (!contents.empty())
    emit_all(std::move(contents));
  else
    recycle(std::move(contents));
  emit(Tok::TagOpenClose);
  emit_text(tag);
  emit(Tok::TagCloseClose);
}

// Attributes of a table, row or cell up to end_token ('\n' or '|').
void Tokenizer::handle_table_style(int end_token) {
  TagData data;
  data.context = TagData::AttrReady;
  while (true) {
    charge();
    const int c = read();
    const bool can_exit = !(data.context & TagData::Quoted) || (data.context & TagData::NoteSpace);
    if (c == end_token && can_exit) {
      if (data.context & (TagData::AttrName | TagData::AttrValue)) push_tag_buffer(data);
      return;
    }
    if (c == kEnd || c == end_token) {
      if (context() & ctx::TagAttr) {
        if (data.context & TagData::Quoted) {
          data.context = TagData::AttrValue;
          memoize_bad_route();
          recycle(pop());
          head_ = data.reset;
          continue;
        }
        recycle(pop());
      }
      fail_route();
    }
    handle_tag_data(data, c);
    ++head_;
  }
}

void Tokenizer::parse_table() {
  const std::ptrdiff_t reset = head_;
  head_ += 2;
  try {
    push(ctx::TableOpen);
    handle_table_style('\n');
  } catch (const BadRoute&) {
    head_ = reset;
    emit_char('{');
    return;
  }
  Tokens style = pop();
  ++head_;
  const std::ptrdiff_t restore_head = frames_[depth_ - 1].ident_head;
  const std::uint64_t restore_context = frames_[depth_ - 1].ident_context;
  Tokens table;
  try {
    table = parse(ctx::TableOpen);
  } catch (const BadRoute&) {
    while (!same_ident(restore_head, restore_context)) {
      memoize_bad_route();
      recycle(pop());
    }
    recycle(std::move(style));
    head_ = reset;
    emit_char('{');
    return;
  }
  emit_table_tag("table", &style, false, std::move(table));
  recycle(std::move(style));
  --head_;
}

void Tokenizer::handle_table_row() {
  head_ += 2;
  if (!can_recurse()) {
    emit_text("|-");
    --head_;
    return;
  }
  push(ctx::TableOpen | ctx::TableRowOpen);
  handle_table_style('\n');
  Tokens style = pop();
  ++head_;
  Tokens row = parse(ctx::TableOpen | ctx::TableRowOpen);
  emit_table_tag("tr", &style, false, std::move(row));
  recycle(std::move(style));
  --head_;
}

void Tokenizer::handle_table_cell(std::string_view markup, std::string_view tag,
                                  std::uint64_t line_context) {
  const std::uint64_t old_context = context();
  head_ += static_cast<std::ptrdiff_t>(markup.size());
  const std::ptrdiff_t reset = head_;
  if (!can_recurse()) {
    emit_text(markup);
    --head_;
    return;
  }
  Tokens cell = parse(ctx::TableOpen | ctx::TableCellOpen | line_context | ctx::TableCellStyle);
  std::uint64_t cell_context = context();
  context() = old_context;
  const bool reset_for_style = cell_context & ctx::TableCellStyle;
  Tokens style;
  if (reset_for_style) {
    // The cell began with "attributes |": read them as attributes, then the cell again.
    recycle(std::move(cell));
    head_ = reset;
    push(ctx::TableOpen | ctx::TableCellOpen | line_context);
    handle_table_style('|');
    style = pop();
    ++head_;
    cell = parse(ctx::TableOpen | ctx::TableCellOpen | line_context);
    cell_context = context();
    context() = old_context;
  }
  emit_table_tag(tag, &style, reset_for_style, std::move(cell));
  recycle(std::move(style));
  context() |= cell_context & (ctx::TableThLine | ctx::TableTdLine);
  --head_;
}

Tokenizer::Tokens Tokenizer::handle_table_cell_end(bool reset_for_style) {
  if (reset_for_style)
    context() |= ctx::TableCellStyle;
  else
    context() &= ~ctx::TableCellStyle;
  return pop(true);
}

}  // namespace loom::wikitext
