// HTML to text the way the reference's cleanhtml did it: BeautifulSoup(html, "lxml").get_text().
#pragma once

#include <string>
#include <string_view>

namespace loom::html {

// The reference's pre-pass: <li> and <ol> become "\n*", </li> and </ol> vanish (<ul> is kept).
std::string mark_list_items(std::string_view html);

// Text of an HTML fragment as BeautifulSoup 4.11 with the lxml builder returns it from get_text():
// parsed by libxml2's HTML push parser (the parser lxml drives), character references and entities
// decoded, comments, processing instructions and script/style/template/rt/rp text left out, and
// every whitespace-only string outside <pre>/<textarea> collapsed to "\n" (if it holds a newline)
// or " ", as bs4's tree builder does.
std::string html_to_text(std::string_view html);

// mark_list_items then html_to_text: cleanhtml() of data_prep/stack_exchange/post_processing.py.
std::string clean_post_html(std::string_view html);

}  // namespace loom::html
