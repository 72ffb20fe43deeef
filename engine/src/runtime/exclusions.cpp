#include "runtime/exclusions.hpp"

namespace loom::runtime {

namespace {

loom_value string_value(std::string_view s) {
  loom_value v{};
  v.type = LOOM_VALUE_STRING;
  v.as.s = loom_str{s.data(), s.size()};
  return v;
}

}  // namespace

void mark_exclusions(Batch& dropped, std::string_view node_id) {
  // Stored once per batch; every document's entry then points at the same bytes.
  const std::string_view node = dropped.arena.store(node_id);
  for (Document& doc : dropped.docs) {
    // Removed first so the keys end up last even if an earlier exclusion set them.
    dropped.remove_meta(doc, kDroppedByKey);
    dropped.remove_meta(doc, kDropReasonKey);
    dropped.set_meta(doc, kDroppedByKey, string_value(node));
    dropped.set_meta(doc, kDropReasonKey, string_value(doc.drop_reason));
    doc.drop_reason = {};
  }
}

bool is_dropped(const Document& doc) { return !doc.drop_reason.empty(); }

std::uint64_t count_drops(const Batch& batch,
                          std::map<std::string, std::uint64_t, std::less<>>& reasons) {
  std::uint64_t kept = 0;
  for (const Document& doc : batch.docs) {
    if (doc.drop_reason.empty()) {
      ++kept;
    } else {
      auto it = reasons.find(doc.drop_reason);
      if (it == reasons.end()) it = reasons.emplace(std::string(doc.drop_reason), 0).first;
      ++it->second;
    }
  }
  return kept;
}

}  // namespace loom::runtime
