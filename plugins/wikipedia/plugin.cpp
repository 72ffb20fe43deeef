// libloom_wikipedia.so: MediaWiki XML dumps (pages-articles), read page by page.
#include "wikipedia_dump_source.hpp"

LOOM_PLUGIN("wikipedia", "0.1.0", "Apache-2.0", loom::wikipedia::WikipediaDumpSource)
