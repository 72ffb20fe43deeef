// libloom_langid.so: language identification for any graph.
#include "language_id.hpp"

LOOM_PLUGIN("langid", "0.1.0", "Apache-2.0", loom::langid::LanguageId)
