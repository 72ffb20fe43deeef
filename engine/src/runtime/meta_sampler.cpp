#include "runtime/meta_sampler.hpp"

#include <algorithm>
#include <cmath>

namespace loom::runtime {

namespace {

struct Observed {
  std::string_view key;
  double value;
  bool dropped;
  bool integer;
  std::int64_t integer_value;
};

// The distinct keys of the entries before `end` (few: documents of a batch share their keys).
std::vector<std::string_view> keys_before(const Batch& batch, std::size_t end) {
  std::vector<std::string_view> keys;
  std::string_view last;
  for (std::size_t i = 0; i < end; ++i) {
    const std::string_view key = batch.meta[i].key;
    if (key == last) continue;
    last = key;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

}  // namespace

void MetaSampler::add_batch(const Batch& batch, std::size_t meta_before, bool sample) {
  if (batch.meta.size() <= meta_before) return;
  // A key some document already had is one the node set again (or rebuilt the meta with), not
  // one it added.
  const std::vector<std::string_view> existing = keys_before(batch, meta_before);
  const auto is_new = [&existing](std::string_view key) {
    return std::find(existing.begin(), existing.end(), key) == existing.end();
  };
  std::vector<Observed> seen;
  for (const Document& doc : batch.docs) {
    const bool dropped = !doc.drop_reason.empty();
    for (std::int32_t i = doc.meta_head; i >= 0; i = batch.meta[static_cast<std::size_t>(i)].next) {
      if (static_cast<std::size_t>(i) < meta_before) continue;
      const MetaEntry& entry = batch.meta[static_cast<std::size_t>(i)];
      if (!is_new(entry.key)) continue;
      if (entry.value.type == LOOM_VALUE_INT)
        seen.push_back(
            {entry.key, static_cast<double>(entry.value.as.i), dropped, true, entry.value.as.i});
      else if (entry.value.type == LOOM_VALUE_FLOAT && std::isfinite(entry.value.as.f))
        seen.push_back({entry.key, entry.value.as.f, dropped, false, 0});
    }
  }
  if (seen.empty()) return;
  std::lock_guard lock(mutex_);
  for (const Observed& o : seen) {
    auto it = fields_.find(o.key);
    if (it == fields_.end()) {
      if (fields_.size() >= kMaxFields) continue;
      it = fields_.emplace(std::string(o.key), Field{}).first;
      it->second.sample.field = it->first;
    }
    Field& field = it->second;
    if (o.integer)
      field.integer_total += o.integer_value;
    else
      field.all_integers = false;
    if (sample) add_value(field, o.value, o.dropped);
  }
}

void MetaSampler::add_value(Field& field, double value, bool dropped) {
  MetaFieldSample& s = field.sample;
  s.min = field.any ? std::min(s.min, value) : value;
  s.max = field.any ? std::max(s.max, value) : value;
  field.any = true;
  s.sum += value;
  std::uint64_t& count = dropped ? s.count_dropped : s.count_kept;
  std::vector<double>& reservoir = dropped ? s.sample_dropped : s.sample_kept;
  ++count;
  // Algorithm R: the n-th value replaces a random slot with probability kReservoir / n.
  if (reservoir.size() < kReservoir) {
    reservoir.push_back(value);
  } else {
    const std::uint64_t slot = next_random() % count;
    if (slot < kReservoir) reservoir[slot] = value;
  }
}

std::uint64_t MetaSampler::next_random() {
  // splitmix64: cheap, and a fixed seed keeps single-threaded reports reproducible.
  std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<MetaFieldSample> MetaSampler::results() const {
  std::lock_guard lock(mutex_);
  std::vector<MetaFieldSample> out;
  for (const auto& [name, field] : fields_)
    if (field.any) out.push_back(field.sample);
  return out;
}

std::map<std::string, std::int64_t> MetaSampler::integer_totals() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::int64_t> out;
  for (const auto& [name, field] : fields_)
    if (field.all_integers) out.emplace(name, field.integer_total);
  return out;
}

}  // namespace loom::runtime
