// libloom_stackexchange.so: StackExchange dumps and the HTML-to-text conversion they need.
#include "html_text_cleaner.hpp"
#include "stackexchange_source.hpp"

LOOM_PLUGIN("stackexchange", "0.1.0", "Apache-2.0", loom::stackexchange::StackExchangeSource,
            loom::html::HtmlText)
