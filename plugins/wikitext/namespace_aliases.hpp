// File/Image/Media and Category namespace aliases per Wikipedia language: the HF wikipedia
// script's MEDIA_ALIASES and CAT_ALIASES entries for RedPajama's 20 languages. The canonical
// English names (File, Image, Media; Category) always apply on top of these.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loom::wikitext {

struct NamespaceAliases {
  std::vector<std::string> media;     // canonical names first, then the language's aliases
  std::vector<std::string> category;  // likewise
};

// Aliases for a language code ("de"); an unknown code gets only the canonical names.
NamespaceAliases namespace_aliases(std::string_view language);
bool has_namespace_aliases(std::string_view language);

}  // namespace loom::wikitext
