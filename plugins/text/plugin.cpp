// libloom_text.so: simple text filters and meta editing.
#include "length_filter.hpp"
#include "meta_filter.hpp"
#include "meta_set.hpp"

LOOM_PLUGIN("text", "0.1.0", "Apache-2.0", loom::text::LengthFilter, loom::text::MetaSet,
            loom::text::MetaFilter)
