// libloom_quality.so: the rule-based quality filters of current web pipelines (Gopher, C4,
// FineWeb), each measuring into meta and dropping with one reason per rule.
#include "c4_quality.hpp"
#include "fineweb_quality.hpp"
#include "gopher_quality.hpp"
#include "gopher_repetition.hpp"

LOOM_PLUGIN("quality", "0.1.0", "Apache-2.0", loom::quality::GopherQuality,
            loom::quality::GopherRepetition, loom::quality::C4Quality,
            loom::quality::FineWebQuality)
