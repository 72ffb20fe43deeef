// Wikitext tokenizer: a backtracking route parser with the same route decisions as
// mwparserfromhell 0.6.4's C tokenizer (per character, 40 nested routes at most, failed routes
// memoized by (position, context) so no input takes exponential time). Nesting deeper than the
// route limit is read as text, so a bomb of 100k "{{" cannot overflow the stack. Work is
// budgeted (kStepsPerByte): input that would keep the search busy for quadratic time, like
// 100k unclosed "[[a|", is refused with std::runtime_error instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "wikitext_definitions.hpp"
#include "wikitext_tokens.hpp"

namespace loom::wikitext {

class Tokenizer {
 public:
  // Tokenizes a whole page (or a fragment, e.g. a category link text being re-parsed).
  TokenStream tokenize(std::string_view wikitext);

 private:
  using Tokens = std::vector<Token>;
  struct BadRoute {
    std::uint64_t context;
  };
  struct Frame {
    Tokens tokens;
    std::uint64_t context = 0;
    std::string textbuffer;
    std::ptrdiff_t ident_head = 0;
    std::uint64_t ident_context = 0;
  };
  // Attribute-parsing state of one open tag (or table row/cell style).
  struct TagData {
    static constexpr int Name = 1 << 0, AttrReady = 1 << 1, AttrName = 1 << 2, AttrValue = 1 << 3,
                         Quoted = 1 << 4, NoteSpace = 1 << 5, NoteEquals = 1 << 6,
                         NoteQuote = 1 << 7;
    int context = Name;
    int quoter = 0;
    std::ptrdiff_t reset = 0;
  };
  struct IdentHash {
    std::size_t operator()(const std::pair<std::ptrdiff_t, std::uint64_t>& k) const {
      return std::hash<std::uint64_t>()(
          static_cast<std::uint64_t>(k.first) * 0x9E3779B97F4A7C15ULL ^ k.second);
    }
  };
  static constexpr int kStart = -1;
  static constexpr int kEnd = -2;
  static constexpr std::size_t kMaxDepth = 40;

  // --- stacks (wikitext_tokenizer.cpp) ---
  Frame& top() { return frames_[depth_ - 1]; }
  std::uint64_t& context() { return top().context; }
  void push(std::uint64_t context = 0);
  void push_textbuffer();
  Tokens pop(bool keep_context = false);
  void recycle(Tokens&& tokens);
  bool can_recurse() const { return depth_ < kMaxDepth; }
  bool same_ident(std::ptrdiff_t head, std::uint64_t context) const;
  void memoize_bad_route();
  [[noreturn]] void fail_route();
  void emit(Tok kind, std::uint8_t arg = 0);
  void emit_first(Tok kind, std::uint8_t arg = 0);
  void emit_text(std::string_view text);
  void emit_char(int c);
  void emit_all(Tokens&& tokens);
  void emit_text_then_stack(std::string_view text);
  int read(std::ptrdiff_t delta = 0) const;
  int read_strict(std::ptrdiff_t delta = 0);
  bool at_line_start(std::ptrdiff_t delta = 0) const;
  bool after_line_start_space() const;
  std::string_view token_text(const Token& t) const {
    return std::string_view(arena_).substr(t.text_begin, t.text_size);
  }

  // --- main loop (wikitext_tokenizer.cpp) ---
  Tokens parse(std::uint64_t context, bool push_stack = true);
  bool verify_safe(int c);
  Tokens handle_end();
  // --- templates, wikilinks, headings, entities, comments (..._constructs.cpp) ---
  void parse_template_or_argument();
  void parse_template(bool has_content);
  void parse_argument();
  void handle_template_param();
  void handle_template_param_value();
  Tokens handle_template_end();
  void handle_argument_separator();
  Tokens handle_argument_end();
  void parse_wikilink();
  void handle_wikilink_separator();
  Tokens handle_wikilink_end();
  void parse_heading();
  Tokens handle_heading_end();
  void really_parse_entity();
  void parse_entity();
  void parse_comment();

  // --- external links (wikitext_tokenizer_links.cpp) ---
  void parse_bracketed_uri_scheme();
  bool bracketed_uri_scheme_ahead() const;
  std::optional<std::string> free_uri_scheme();
  void parse_free_uri_scheme();
  void handle_free_link_text(bool& parens, std::string& tail, int c);
  bool is_uri_end(int c, int next);
  std::pair<Tokens, std::string> really_parse_external_link(bool brackets);
  void remove_uri_scheme_from_textbuffer(std::size_t length);
  void parse_external_link(bool brackets);

  // --- tags (wikitext_tokenizer_tags.cpp) ---
  void push_tag_buffer(TagData& data);
  void handle_tag_space(TagData& data, int c);
  void handle_tag_text(int c);
  void handle_tag_data(TagData& data, int c);
  void handle_tag_close_open(TagData& data, Tok kind);
  void handle_tag_open_close();
  Tokens handle_tag_close_close();
  Tokens handle_blacklisted_tag();
  Tokens handle_single_only_tag_end();
  Tokens handle_single_tag_end();
  Tokens really_parse_tag();
  void handle_invalid_tag_start();
  void parse_tag();
  std::string_view open_tag_name();
  // --- '' and ''', lists, rules (wikitext_tokenizer_style.cpp) ---
  void emit_style_tag(std::string_view tag, Tokens&& body);
  void parse_italics();
  bool parse_bold();
  void parse_italics_and_bold();
  std::optional<Tokens> parse_style();
  void handle_list_marker();
  void handle_list();
  void handle_hr();
  void handle_dl_term();

  // --- tables (wikitext_tokenizer_tables.cpp) ---
  void emit_table_tag(std::string_view tag, Tokens* style, bool close_open_markup,
                      Tokens&& contents);
  void handle_table_style(int end_token);
  void parse_table();
  void handle_table_row();
  void handle_table_cell(std::string_view markup, std::string_view tag, std::uint64_t line_context);
  Tokens handle_table_cell_end(bool reset_for_style = false);

  std::string_view text_;
  std::ptrdiff_t head_ = 0;
  std::uint64_t global_ = 0;  // the only global context: inside a heading
  int heading_level_ = 0;     // second result of a heading route
  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
  std::vector<Tokens> spare_;
  std::string arena_;
  std::unordered_set<std::pair<std::ptrdiff_t, std::uint64_t>, IdentHash> bad_routes_;
  // Work done and allowed. Backtracking re-reads text, quadratically so for long runs of
  // unclosed constructs (as in mwparserfromhell); past the budget the page is refused.
  std::uint64_t steps_ = 0;
  std::uint64_t step_budget_ = 0;
  void charge(std::uint64_t work = 1) {
    steps_ += work;
    if (steps_ > step_budget_) throw_over_budget();
  }
  [[noreturn]] void throw_over_budget() const;

 public:
  // Budget per input byte, on top of a fixed allowance of kBaseSteps.
  static constexpr std::uint64_t kStepsPerByte = 64;
  static constexpr std::uint64_t kBaseSteps = 1 << 20;
  std::uint64_t steps_taken() const { return steps_; }
};

}  // namespace loom::wikitext
