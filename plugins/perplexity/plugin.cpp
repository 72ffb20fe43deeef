// libloom_perplexity.so: cc_net's language-model perplexity (SentencePiece + n-gram model).
#include "perplexity.hpp"

LOOM_PLUGIN("perplexity", "0.1.0", "Apache-2.0", loom::perplexity::Perplexity)
