// libloom_io.so: JSON Lines in and out.
#include "jsonl_sink.hpp"
#include "jsonl_source.hpp"

LOOM_PLUGIN("io", "0.1.0", "Apache-2.0", loom::io::JsonlSource, loom::io::JsonlSink)
