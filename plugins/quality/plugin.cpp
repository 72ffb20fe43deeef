// libloom_quality.so: the rule-based quality filters of current web pipelines (Gopher, C4,
// FineWeb), each measuring into meta and dropping with one reason per rule, and RedPajama-V2's
// quality signals (annotation only) with a filter on them.
#include "c4_quality.hpp"
#include "fineweb_quality.hpp"
#include "gopher_quality.hpp"
#include "gopher_repetition.hpp"
#include "rpv2_minhash.hpp"
#include "rpv2_signals.hpp"
#include "signal_filter.hpp"

LOOM_PLUGIN("quality", "0.1.0", "Apache-2.0", loom::quality::GopherQuality,
            loom::quality::GopherRepetition, loom::quality::C4Quality,
            loom::quality::FineWebQuality, loom::quality::Rpv2SignalsComponent,
            loom::quality::Rpv2MinHash, loom::quality::SignalFilter)
