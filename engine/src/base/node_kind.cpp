#include <loom/engine/graph_spec.hpp>

namespace loom {

const char* section_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::source: return "sources";
    case NodeKind::cleaner: return "cleaners";
    case NodeKind::filter: return "filters";
    case NodeKind::deduper: return "dedupers";
    case NodeKind::sink: return "sinks";
  }
  return "?";
}

const char* kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::source: return "source";
    case NodeKind::cleaner: return "cleaner";
    case NodeKind::filter: return "filter";
    case NodeKind::deduper: return "deduper";
    case NodeKind::sink: return "sink";
  }
  return "?";
}

}  // namespace loom
