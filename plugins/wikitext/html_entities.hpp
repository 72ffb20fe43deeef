#pragma once

#include <string_view>

namespace loom::wikitext {

// Code point of an HTML 4 named entity ("amp" -> U+0026), 0 when the name is not one.
char32_t named_entity_codepoint(std::string_view name);

}  // namespace loom::wikitext
