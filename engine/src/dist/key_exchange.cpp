#include "dist/key_exchange.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace loom::dist {

namespace {

std::uint64_t u64_at(const char* at) {
  std::uint64_t value = 0;
  std::memcpy(&value, at, sizeof value);
  return value;
}

void append_u64(std::string& out, std::uint64_t value) {
  char raw[sizeof value];
  std::memcpy(raw, &value, sizeof value);
  out.append(raw, sizeof raw);
}

void check_width(std::size_t bytes, const KeyLayout& layout, const char* what) {
  if (layout.key_bytes == 0 || bytes % layout.record_bytes() != 0)
    throw std::runtime_error(std::string(what) + ": " + std::to_string(bytes) +
                             " bytes are not whole records of " +
                             std::to_string(layout.record_bytes()) + " bytes (key " +
                             std::to_string(layout.key_bytes) + ")");
}

struct Merged {
  std::string_view key;
  std::uint64_t position = 0;
  std::uint64_t count = 0;
  std::string_view payload;
};

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// The owner's merge table: open addressing over the merged keys (keys are usually hashes
// already, so their first and last bytes, mixed, index it; no allocation per key).
class MergeTable {
 public:
  explicit MergeTable(std::size_t keys) {
    std::size_t capacity = 16;
    while (capacity < 2 * keys) capacity *= 2;
    slots_.assign(capacity, 0);
    merged_.reserve(keys);
  }
  // The entry for `key`, added (from the record's summary) if new; `added` says which.
  Merged& find_or_add(std::string_view key, bool& added) {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_of(key) & mask;; i = (i + 1) & mask) {
      const std::uint32_t at = slots_[i];
      if (at == 0) {
        merged_.push_back(Merged{key, 0, 0, {}});
        slots_[i] = static_cast<std::uint32_t>(merged_.size());
        added = true;
        return merged_.back();
      }
      Merged& m = merged_[at - 1];
      if (m.key == key) {
        added = false;
        return m;
      }
    }
  }
  const Merged& at(std::string_view key) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = slot_of(key) & mask;; i = (i + 1) & mask) {
      const Merged& m = merged_[slots_[i] - 1];  // every key looked up was added
      if (m.key == key) return m;
    }
  }

 private:
  static std::size_t slot_of(std::string_view key) {
    std::uint64_t head = 0, tail = 0;
    const std::size_t n = std::min<std::size_t>(key.size(), 8);
    std::memcpy(&head, key.data(), n);
    std::memcpy(&tail, key.data() + key.size() - n, n);
    return static_cast<std::size_t>(mix(head ^ (tail * 0x9e3779b97f4a7c15ULL) ^ key.size()));
  }
  std::vector<std::uint32_t> slots_;  // 1 + index into merged_, 0: empty
  std::vector<Merged> merged_;
};

std::uint64_t key_hash(std::string_view key) {
  // FNV-1a, then a splitmix64 finalizer: keys are usually hashes already, but a key whose low
  // bytes are structured must still spread evenly.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix(h);
}

// Bytes one record costs a rank during a pass: its copy in the owner's outbox and its index,
// about one received record as owner with its merge-table entry (~64 bytes), and a reply each
// way.
std::size_t pass_bytes_per_record(const KeyLayout& layout) {
  return 2 * layout.record_bytes() + sizeof(std::size_t) + 64 + 2 * layout.merged_bytes();
}

// Collective: how many passes keep every rank's exchange buffers within `memory_budget`, from
// the largest record count over the ranks (owners receive about as many as the ranks send, keys
// being spread by hash). The same on every rank.
std::size_t pass_count(Job& job, std::size_t records, const KeyLayout& layout,
                       std::size_t memory_budget) {
  std::string mine(sizeof(std::uint64_t), '\0');
  const std::uint64_t count = records;
  std::memcpy(mine.data(), &count, sizeof count);
  std::size_t largest = 0;
  for (const std::string& theirs :
       job.all_to_all(std::vector<std::string>(static_cast<std::size_t>(job.size()), mine))) {
    if (theirs.size() != sizeof(std::uint64_t))
      throw std::runtime_error("key exchange: a rank sent no record count");
    largest = std::max<std::size_t>(largest, u64_at(theirs.data()));
  }
  const double bytes =
      static_cast<double>(largest) * static_cast<double>(pass_bytes_per_record(layout));
  const double budget = static_cast<double>(std::max<std::size_t>(memory_budget, 1));
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(bytes / budget)));
}

}  // namespace

int owner_of(std::string_view key, int ranks) {
  return static_cast<int>(key_hash(key) % static_cast<std::uint64_t>(ranks));
}

std::vector<std::string> merge_at_owner(const std::vector<std::string>& received,
                                        const KeyLayout& layout) {
  const std::size_t width = layout.record_bytes();
  std::size_t total = 0;
  for (const std::string& part : received) {
    check_width(part.size(), layout, "key exchange");
    total += part.size() / width;
  }
  if (total > UINT32_MAX / 2) throw std::runtime_error("key exchange: too many keys for one rank");
  MergeTable merged(total);
  for (const std::string& part : received) {
    for (std::size_t at = 0; at < part.size(); at += width) {
      const std::string_view key(part.data() + at, layout.key_bytes);
      const char* summary = part.data() + at + layout.key_bytes;
      const std::uint64_t position = u64_at(summary), count = u64_at(summary + 8);
      const std::string_view payload(summary + 16, layout.payload_bytes);
      bool added = false;
      Merged& m = merged.find_or_add(key, added);
      if (added) {
        m.position = position;
        m.count = count;
        m.payload = payload;
        continue;
      }
      m.count = m.count + count < m.count ? UINT64_MAX : m.count + count;
      if (position < m.position) {
        m.position = position;
        m.payload = payload;
      }
    }
  }
  std::vector<std::string> replies(received.size());
  for (std::size_t r = 0; r < received.size(); ++r) {
    const std::string& part = received[r];
    replies[r].reserve(part.size() / width * layout.merged_bytes());
    for (std::size_t at = 0; at < part.size(); at += width) {
      const Merged& m = merged.at(std::string_view(part.data() + at, layout.key_bytes));
      append_u64(replies[r], m.position);
      append_u64(replies[r], m.count);
      replies[r].append(m.payload);
    }
  }
  return replies;
}

std::string exchange_keys(Job& job, std::string_view records, const KeyLayout& layout,
                          std::size_t memory_budget) {
  check_width(records.size(), layout, "key export");
  const std::size_t width = layout.record_bytes(), count = records.size() / width;
  const auto ranks = static_cast<std::size_t>(job.size());
  const std::size_t passes = pass_count(job, count, layout, memory_budget);
  const std::size_t merged_width = layout.merged_bytes();
  std::string merged(count * merged_width, '\0');
  // Each pass takes the keys of one hash partition (the same on every rank, independent of the
  // owner), so a key's records all meet in one pass and each pass holds about 1/passes of them.
  for (std::size_t pass = 0; pass < passes; ++pass) {
    std::vector<std::string> to(ranks);
    std::vector<std::vector<std::size_t>> sent(ranks);  // record indexes, in the order sent
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view record = records.substr(i * width, width);
      const std::uint64_t h = key_hash(record.substr(0, layout.key_bytes));
      if ((h / ranks) % passes != pass) continue;
      const auto owner = static_cast<std::size_t>(h % ranks);
      to[owner].append(record);
      sent[owner].push_back(i);
    }
    std::vector<std::string> received = job.all_to_all(to);
    to = {};
    const std::vector<std::string> back = job.all_to_all(merge_at_owner(received, layout));
    received = {};
    for (std::size_t r = 0; r < ranks; ++r) {
      if (back[r].size() != sent[r].size() * merged_width)
        throw std::runtime_error("key exchange: rank " + std::to_string(r) + " answered " +
                                 std::to_string(back[r].size()) + " bytes for " +
                                 std::to_string(sent[r].size()) + " records");
      for (std::size_t j = 0; j < sent[r].size(); ++j)
        std::memcpy(merged.data() + sent[r][j] * merged_width, back[r].data() + j * merged_width,
                    merged_width);
    }
  }
  return merged;
}

}  // namespace loom::dist
