// The token stream the wikitext tokenizer produces and the tree builder consumes. The token set
// and the context flags follow mwparserfromhell 0.6.4, whose parse the HF wikipedia script (and
// so RedPajama's Wikipedia slice) relied on; reproducing its route decisions is what makes the
// cleaned text byte-identical.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::wikitext {

enum class Tok : std::uint8_t {
  Text,
  TemplateOpen,
  TemplateParamSeparator,
  TemplateParamEquals,
  TemplateClose,
  ArgumentOpen,
  ArgumentSeparator,
  ArgumentClose,
  WikilinkOpen,
  WikilinkSeparator,
  WikilinkClose,
  ExternalLinkOpen,  // arg: 1 when bracketed
  ExternalLinkSeparator,
  ExternalLinkClose,
  EntityStart,
  EntityNumeric,
  EntityHex,
  EntityEnd,
  HeadingStart,  // arg: level
  HeadingEnd,
  CommentStart,
  CommentEnd,
  TagOpenOpen,
  TagAttrStart,
  TagAttrEquals,
  TagAttrQuote,
  TagCloseOpen,
  TagCloseSelfclose,
  TagOpenClose,
  TagCloseClose,
};

// Text tokens point into the arena the tokenizer returns with them, so emitting a token never
// allocates on its own.
struct Token {
  Tok kind = Tok::Text;
  std::uint8_t arg = 0;
  std::uint32_t text_begin = 0;
  std::uint32_t text_size = 0;
};

struct TokenStream {
  std::vector<Token> tokens;
  std::string arena;

  std::string_view text(const Token& token) const {
    return std::string_view(arena).substr(token.text_begin, token.text_size);
  }
};

// Parse contexts (bit flags, one set per token stack), mwparserfromhell's values.
namespace ctx {
inline constexpr std::uint64_t TemplateName = 1ULL << 0;
inline constexpr std::uint64_t TemplateParamKey = 1ULL << 1;
inline constexpr std::uint64_t TemplateParamValue = 1ULL << 2;
inline constexpr std::uint64_t Template = TemplateName | TemplateParamKey | TemplateParamValue;
inline constexpr std::uint64_t ArgumentName = 1ULL << 3;
inline constexpr std::uint64_t ArgumentDefault = 1ULL << 4;
inline constexpr std::uint64_t Argument = ArgumentName | ArgumentDefault;
inline constexpr std::uint64_t WikilinkTitle = 1ULL << 5;
inline constexpr std::uint64_t WikilinkText = 1ULL << 6;
inline constexpr std::uint64_t Wikilink = WikilinkTitle | WikilinkText;
inline constexpr std::uint64_t ExtLinkUri = 1ULL << 7;
inline constexpr std::uint64_t ExtLinkTitle = 1ULL << 8;
inline constexpr std::uint64_t ExtLink = ExtLinkUri | ExtLinkTitle;
inline constexpr std::uint64_t HeadingLevel1 = 1ULL << 9;
inline constexpr std::uint64_t Heading = 0x3FULL << 9;
inline constexpr std::uint64_t TagOpen = 1ULL << 15;
inline constexpr std::uint64_t TagAttr = 1ULL << 16;
inline constexpr std::uint64_t TagBody = 1ULL << 17;
inline constexpr std::uint64_t TagClose = 1ULL << 18;
inline constexpr std::uint64_t Tag = TagOpen | TagAttr | TagBody | TagClose;
inline constexpr std::uint64_t StyleItalics = 1ULL << 19;
inline constexpr std::uint64_t StyleBold = 1ULL << 20;
inline constexpr std::uint64_t StylePassAgain = 1ULL << 21;
inline constexpr std::uint64_t StyleSecondPass = 1ULL << 22;
inline constexpr std::uint64_t Style = StyleItalics | StyleBold | StylePassAgain | StyleSecondPass;
inline constexpr std::uint64_t DlTerm = 1ULL << 23;
inline constexpr std::uint64_t HasText = 1ULL << 24;
inline constexpr std::uint64_t FailOnText = 1ULL << 25;
inline constexpr std::uint64_t FailNext = 1ULL << 26;
inline constexpr std::uint64_t FailOnLbrace = 1ULL << 27;
inline constexpr std::uint64_t FailOnRbrace = 1ULL << 28;
inline constexpr std::uint64_t FailOnEquals = 1ULL << 29;
inline constexpr std::uint64_t HasTemplate = 1ULL << 30;
inline constexpr std::uint64_t TableOpen = 1ULL << 31;
inline constexpr std::uint64_t TableCellOpen = 1ULL << 32;
inline constexpr std::uint64_t TableCellStyle = 1ULL << 33;
inline constexpr std::uint64_t TableRowOpen = 1ULL << 34;
inline constexpr std::uint64_t TableTdLine = 1ULL << 35;
inline constexpr std::uint64_t TableThLine = 1ULL << 36;
inline constexpr std::uint64_t TableCellLineContexts = TableTdLine | TableThLine | TableCellStyle;
inline constexpr std::uint64_t Table =
    TableOpen | TableCellOpen | TableCellStyle | TableRowOpen | TableTdLine | TableThLine;
inline constexpr std::uint64_t HtmlEntity = 1ULL << 37;

inline constexpr std::uint64_t Fail =
    Template | Argument | Wikilink | ExtLinkTitle | Heading | Tag | Style | Table;
inline constexpr std::uint64_t Unsafe =
    TemplateName | WikilinkTitle | ExtLinkTitle | TemplateParamKey | ArgumentName | TagClose;
inline constexpr std::uint64_t Double = TemplateParamKey | TagClose | TableRowOpen;
inline constexpr std::uint64_t NoWikilinks =
    TemplateName | ArgumentName | WikilinkTitle | ExtLinkUri;
inline constexpr std::uint64_t NoExtLinks = TemplateName | ArgumentName | WikilinkTitle | ExtLink;
}  // namespace ctx

}  // namespace loom::wikitext
