// libloom_commoncrawl.so: Common Crawl WET files, read as cc_net (RedPajama's copy) reads them.
#include "wet_source.hpp"

LOOM_PLUGIN("commoncrawl", "0.1.0", "Apache-2.0", loom::commoncrawl::WetSource)
