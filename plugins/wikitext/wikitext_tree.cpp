#include "wikitext_tree.hpp"

#include <stdexcept>

#include "html_entities.hpp"
#include "wikitext_definitions.hpp"

namespace loom::wikitext {
namespace {

bool opens_construct(Tok kind) {
  switch (kind) {
    case Tok::TemplateOpen:
    case Tok::ArgumentOpen:
    case Tok::WikilinkOpen:
    case Tok::ExternalLinkOpen:
    case Tok::EntityStart:
    case Tok::HeadingStart:
    case Tok::CommentStart:
    case Tok::TagOpenOpen: return true;
    default: return false;
  }
}

bool closes_construct(Tok kind) {
  switch (kind) {
    case Tok::TemplateClose:
    case Tok::ArgumentClose:
    case Tok::WikilinkClose:
    case Tok::ExternalLinkClose:
    case Tok::EntityEnd:
    case Tok::HeadingEnd:
    case Tok::CommentEnd:
    case Tok::TagCloseSelfclose:
    case Tok::TagCloseClose: return true;
    default: return false;
  }
}

class Builder {
 public:
  Builder(const TokenStream& stream, Tree& tree)
      : tokens_(stream.tokens),
        stream_(stream),
        tree_(tree),
        arena_base_(static_cast<std::uint32_t>(tree.arena.size())) {
    tree_.arena += stream.arena;
  }

  std::int32_t build_all() {
    const std::int32_t list = new_list();
    while (pos_ < tokens_.size()) append(list, build_node());
    return list;
  }

 private:
  [[noreturn]] static void malformed(const char* what) {
    throw std::runtime_error(std::string("wikitext tree: malformed token stream: ") + what);
  }
  Tok peek() const {
    if (pos_ >= tokens_.size()) malformed("missing close token");
    return tokens_[pos_].kind;
  }
  void expect(Tok kind) {
    if (peek() != kind) malformed("unexpected token");
    ++pos_;
  }
  std::int32_t new_list() {
    tree_.lists.push_back({});
    return static_cast<std::int32_t>(tree_.lists.size() - 1);
  }
  std::int32_t new_node(NodeKind kind) {
    Node node;
    node.kind = kind;
    tree_.nodes.push_back(node);
    return static_cast<std::int32_t>(tree_.nodes.size() - 1);
  }
  void append(std::int32_t list, std::int32_t node) {
    NodeList& l = tree_.lists[static_cast<std::size_t>(list)];
    if (l.tail == kNone)
      l.head = node;
    else
      tree_.nodes[static_cast<std::size_t>(l.tail)].next = node;
    l.tail = node;
  }
  template <typename Stop>
  std::int32_t build_until(Stop stop) {
    const std::int32_t list = new_list();
    while (!stop(peek())) append(list, build_node());
    return list;
  }
  // Consumes one construct (or text token) without keeping it.
  void skip_one() {
    int depth = 0;
    do {
      const Tok kind = peek();
      if (opens_construct(kind)) ++depth;
      if (closes_construct(kind)) --depth;
      ++pos_;
    } while (depth > 0);
  }
  Node& node(std::int32_t id) { return tree_.nodes[static_cast<std::size_t>(id)]; }

  std::int32_t build_node() {
    const Token& token = tokens_[pos_];
    switch (token.kind) {
      case Tok::Text: {
        const std::int32_t id = new_node(NodeKind::Text);
        node(id).text_begin = arena_base_ + token.text_begin;
        node(id).text_size = token.text_size;
        ++pos_;
        return id;
      }
      case Tok::TemplateOpen: skip_one(); return new_node(NodeKind::Template);
      case Tok::CommentStart: skip_one(); return new_node(NodeKind::Comment);
      case Tok::ArgumentOpen: return build_argument();
      case Tok::WikilinkOpen:
        return build_link(NodeKind::Wikilink, Tok::WikilinkSeparator, Tok::WikilinkClose);
      case Tok::ExternalLinkOpen: {
        const bool brackets = token.arg != 0;
        const std::int32_t id =
            build_link(NodeKind::ExternalLink, Tok::ExternalLinkSeparator, Tok::ExternalLinkClose);
        node(id).brackets = brackets;
        return id;
      }
      case Tok::EntityStart: return build_entity();
      case Tok::HeadingStart: {
        ++pos_;
        const std::int32_t title = build_until([](Tok k) { return k == Tok::HeadingEnd; });
        ++pos_;
        const std::int32_t id = new_node(NodeKind::Heading);
        node(id).first = title;
        return id;
      }
      case Tok::TagOpenOpen: return build_tag();
      default: malformed("token out of place");
    }
  }

  std::int32_t build_argument() {
    ++pos_;
    // The name is never shown: consume it.
    while (peek() != Tok::ArgumentSeparator && peek() != Tok::ArgumentClose) skip_one();
    std::int32_t fallback = kNone;
    if (peek() == Tok::ArgumentSeparator) {
      ++pos_;
      fallback = build_until([](Tok k) { return k == Tok::ArgumentClose; });
    }
    expect(Tok::ArgumentClose);
    const std::int32_t id = new_node(NodeKind::Argument);
    node(id).first = fallback;
    return id;
  }

  std::int32_t build_link(NodeKind kind, Tok separator, Tok close) {
    ++pos_;
    const std::int32_t first = build_until([&](Tok k) { return k == separator || k == close; });
    std::int32_t second = kNone;
    if (peek() == separator) {
      ++pos_;
      second = build_until([&](Tok k) { return k == close; });
    }
    expect(close);
    const std::int32_t id = new_node(kind);
    node(id).first = first;
    node(id).second = second;
    return id;
  }

  std::int32_t build_entity() {
    ++pos_;
    bool numeric = false, hexadecimal = false;
    if (peek() == Tok::EntityNumeric) {
      numeric = true;
      ++pos_;
      if (peek() == Tok::EntityHex) {
        hexadecimal = true;
        ++pos_;
      }
    }
    if (peek() != Tok::Text) malformed("entity without a value");
    const std::string value(stream_.text(tokens_[pos_]));
    ++pos_;
    expect(Tok::EntityEnd);
    const char32_t cp =
        numeric ? static_cast<char32_t>(std::stoul(value, nullptr, hexadecimal ? 16 : 10))
                : named_entity_codepoint(value);
    const std::int32_t id = new_node(NodeKind::Entity);
    node(id).text_begin = static_cast<std::uint32_t>(tree_.arena.size());
    append_utf8(tree_.arena, cp);
    node(id).text_size = static_cast<std::uint32_t>(tree_.arena.size() - node(id).text_begin);
    return id;
  }

  std::int32_t build_tag() {
    ++pos_;
    // Name: the text up to the attributes or the end of the open tag.
    std::string name;
    while (peek() != Tok::TagAttrStart && peek() != Tok::TagCloseOpen &&
           peek() != Tok::TagCloseSelfclose) {
      if (peek() == Tok::Text) {
        name += stream_.text(tokens_[pos_]);
        ++pos_;
      } else {
        skip_one();
      }
    }
    // Attributes are never shown: consume them.
    while (peek() == Tok::TagAttrStart) {
      ++pos_;
      while (peek() != Tok::TagAttrStart && peek() != Tok::TagCloseOpen &&
             peek() != Tok::TagCloseSelfclose)
        skip_one();
    }
    const std::int32_t id = new_node(NodeKind::Tag);
    node(id).text_begin = static_cast<std::uint32_t>(tree_.arena.size());
    node(id).text_size = static_cast<std::uint32_t>(name.size());
    tree_.arena += name;
    if (peek() == Tok::TagCloseSelfclose) {
      ++pos_;
      return id;
    }
    expect(Tok::TagCloseOpen);
    const std::int32_t contents = build_until([](Tok k) { return k == Tok::TagOpenClose; });
    ++pos_;
    while (peek() != Tok::TagCloseClose) skip_one();  // the close tag's name
    ++pos_;
    node(id).first = contents;
    return id;
  }

  const std::vector<Token>& tokens_;
  const TokenStream& stream_;
  Tree& tree_;
  std::uint32_t arena_base_;
  std::size_t pos_ = 0;
};

}  // namespace

std::int32_t build_tree(const TokenStream& tokens, Tree& tree) {
  return Builder(tokens, tree).build_all();
}

}  // namespace loom::wikitext
