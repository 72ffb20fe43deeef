// libloom_dedup.so: deduplication.
#include "exact_dedup.hpp"
#include "minhash_dedup.hpp"
#include "url_digest_dedup.hpp"

LOOM_PLUGIN("dedup", "0.1.0", "Apache-2.0", loom::dedup::ExactDedup, loom::dedup::UrlDigestDedup,
            loom::dedup::MinhashDedup)
