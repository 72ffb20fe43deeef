// libloom_wordlist.so: a third-party plugin, built outside the Loom tree with
// find_package(LoomSdk).
#include "wordlist_filter.hpp"

LOOM_PLUGIN("wordlist", "1.0.0", "Apache-2.0", wordlist::WordlistFilter)
