// libloom_ccnet.so: cc_net's steps of the CommonCrawl slice.
#include "line_dedup.hpp"

LOOM_PLUGIN("ccnet", "0.1.0", "Apache-2.0", loom::ccnet::LineDedup)
