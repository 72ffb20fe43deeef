// libloom_wikitext.so: Wikipedia wikitext to plain text (the HF wikipedia script's cleaning).
#include "wikitext_clean.hpp"

LOOM_PLUGIN("wikitext", "0.1.0", "Apache-2.0", loom::wikitext::WikitextClean)
