// libloom_tokens.so: token counts with Hugging Face tokenizer.json tokenizers (GPT-NeoX-20B's
// byte-level BPE and the like), the filters that depend on them, and token shards for training.
#include "alpha_token_filter.hpp"
#include "megatron_sink.hpp"
#include "token_count.hpp"

LOOM_PLUGIN("tokens", "0.1.0", "Apache-2.0", loom::tokens::TokenCount,
            loom::tokens::AlphaTokenFilter, loom::tokens::MegatronSink)
