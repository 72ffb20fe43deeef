// libloom_redpajama_cc.so: RedPajama's CommonCrawl steps after cc_net's language model:
// perplexity buckets and the Wikipedia-reference classifier.
#include "perplexity_bucket.hpp"
#include "wikiref_filter.hpp"

LOOM_PLUGIN("redpajama_cc", "0.1.0", "Apache-2.0", loom::redpajama_cc::PerplexityBucket,
            loom::redpajama_cc::WikirefFilter)
