#include "bpe_model.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "byte_level.hpp"

namespace loom::tokens {
namespace {

std::uint64_t pair_key(std::uint32_t left, std::uint32_t right) {
  return (std::uint64_t{left} << 32) | right;
}

std::uint64_t mix(std::uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return key;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

// The queue pops the lowest rank first, then the leftmost position.
bool lower_priority(const BpeModel::Scratch::Candidate& a, const BpeModel::Scratch::Candidate& b) {
  return a.rank != b.rank ? a.rank > b.rank : a.position > b.position;
}

}  // namespace

BpeModel::BpeModel(const BpeSpec& spec, bool byte_level)
    : byte_level_(byte_level),
      ignore_merges_(spec.ignore_merges),
      fuse_unk_(spec.fuse_unk),
      ids_(spec.vocab.size()) {
  // The shown tokens are indexed where spec.vocab holds them, for the merges below; a token's
  // words' form is never longer than its shown form (byte-level: one byte per shown character),
  // so reserving their total keeps id_keys_ from moving while ids_ points into it.
  StringIndex shown_ids(spec.vocab.size());
  std::size_t shown_bytes = 0;
  std::uint32_t largest_id = 0;
  for (const auto& [shown, id] : spec.vocab) {
    shown_bytes += shown.size();
    largest_id = std::max(largest_id, id);
  }
  id_keys_.reserve(shown_bytes);
  if (!spec.vocab.empty()) id_texts_.resize(std::size_t{largest_id} + 1);
  std::size_t id_bound = 0;  // above the largest id kept
  byte_ids_.fill(-1);
  std::string decoded;
  for (const auto& [shown, id] : spec.vocab) {
    if (!shown_ids.insert(shown, id)) continue;
    std::string_view text = shown;
    if (byte_level) {
      if (!byte_level_decode(shown, decoded)) continue;  // not from a byte-level pre-tokenizer
      text = decoded;
      if (text.size() == 1) byte_ids_[static_cast<unsigned char>(text[0])] = id;
    }
    id_texts_[id] = text;
    id_bound = std::max(id_bound, std::size_t{id} + 1);
    const std::size_t key_at = id_keys_.size();
    id_keys_.insert(id_keys_.end(), text.begin(), text.end());
    ids_.insert(std::string_view(id_keys_.data() + key_at, text.size()), id);
  }
  id_texts_.resize(id_bound);
  if (spec.unk_token) {
    const auto unk = shown_ids.find(*spec.unk_token);
    if (!unk)
      throw std::invalid_argument("model.unk_token: '" + *spec.unk_token +
                                  "' is not in the vocabulary");
    unk_id_ = *unk;
  }

  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, spec.merges.size() * 2));
  merge_keys_.assign(capacity, kNoPair);
  merge_values_.resize(capacity);
  merge_mask_ = capacity - 1;
  std::string merged;
  for (std::size_t rank = 0; rank < spec.merges.size(); ++rank) {
    const auto& [left, right] = spec.merges[rank];
    auto id_of = [&](std::string_view token, const char* what) {
      if (const auto id = shown_ids.find(token)) return *id;
      throw std::invalid_argument("model.merges[" + std::to_string(rank) + "]: " + what + " '" +
                                  std::string(token) + "' is not in the vocabulary");
    };
    const std::uint32_t left_id = id_of(left, "left part");
    const std::uint32_t right_id = id_of(right, "right part");
    merged.assign(left).append(right);
    const std::uint32_t merged_id = id_of(merged, "merged token");
    const std::uint64_t key = pair_key(left_id, right_id);
    std::uint64_t slot = mix(key) & merge_mask_;
    while (merge_keys_[slot] != kNoPair && merge_keys_[slot] != key)
      slot = (slot + 1) & merge_mask_;
    // A pair listed twice takes its last rank, as Hugging Face's map does.
    merge_keys_[slot] = key;
    merge_values_[slot] = {static_cast<std::uint32_t>(rank), merged_id};
  }
}

const BpeModel::Merge* BpeModel::find_merge(std::uint32_t left, std::uint32_t right) const {
  const std::uint64_t key = pair_key(left, right);
  for (std::uint64_t slot = mix(key) & merge_mask_;; slot = (slot + 1) & merge_mask_) {
    if (merge_keys_[slot] == key) return &merge_values_[slot];
    if (merge_keys_[slot] == kNoPair) return nullptr;
  }
}

std::optional<std::uint32_t> BpeModel::word_id(std::string_view word) const {
  return ids_.find(word);
}

void BpeModel::initial_symbols(std::string_view word, Scratch& scratch) const {
  auto& symbols = scratch.symbols;
  symbols.clear();
  std::optional<Scratch::Symbol> pending_unk;
  auto push = [&](std::uint32_t id, std::uint32_t length) {
    const auto index = static_cast<std::int32_t>(symbols.size());
    symbols.push_back({id, index - 1, index + 1, length});
  };
  for (std::size_t at = 0; at < word.size();) {
    const std::size_t length =
        byte_level_ ? 1
                    : std::min(utf8_length(static_cast<unsigned char>(word[at])), word.size() - at);
    std::int64_t id = -1;
    if (byte_level_) {
      id = byte_ids_[static_cast<unsigned char>(word[at])];
    } else if (const auto known = ids_.find(word.substr(at, length))) {
      id = *known;
    }
    const auto size = static_cast<std::uint32_t>(length);
    at += length;
    if (id >= 0) {
      if (pending_unk) push(pending_unk->id, pending_unk->length);
      pending_unk.reset();
      push(static_cast<std::uint32_t>(id), size);
      continue;
    }
    // Hugging Face: without an unknown token the character is left out; with fuse_unk a run
    // of unknown characters becomes one unknown token.
    if (!unk_id_) continue;
    if (pending_unk && fuse_unk_) {
      pending_unk->length += size;
      continue;
    }
    if (pending_unk) push(pending_unk->id, pending_unk->length);
    pending_unk = Scratch::Symbol{*unk_id_, 0, 0, size};
  }
  if (pending_unk) push(pending_unk->id, pending_unk->length);
  if (!symbols.empty()) symbols.back().next = -1;
}

void BpeModel::encode_word(std::string_view word, Scratch& scratch,
                           std::vector<std::uint32_t>& ids) const {
  initial_symbols(word, scratch);
  auto& symbols = scratch.symbols;
  auto& queue = scratch.queue;
  queue.clear();
  for (std::size_t i = 0; i + 1 < symbols.size(); ++i)
    if (const Merge* merge = find_merge(symbols[i].id, symbols[i + 1].id))
      queue.push_back({merge->rank, static_cast<std::uint32_t>(i), merge->merged_id});
  std::make_heap(queue.begin(), queue.end(), lower_priority);

  auto enqueue = [&](std::uint32_t position, std::uint32_t left, std::uint32_t right) {
    if (const Merge* merge = find_merge(left, right)) {
      queue.push_back({merge->rank, position, merge->merged_id});
      std::push_heap(queue.begin(), queue.end(), lower_priority);
    }
  };
  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), lower_priority);
    const Scratch::Candidate top = queue.back();
    queue.pop_back();
    Scratch::Symbol& left = symbols[top.position];
    if (left.length == 0 || left.next < 0) continue;
    Scratch::Symbol& right = symbols[static_cast<std::size_t>(left.next)];
    // A stale entry: one side was merged since it was queued.
    const Merge* current = find_merge(left.id, right.id);
    if (current == nullptr || current->merged_id != top.merged_id) continue;

    left.id = top.merged_id;
    left.length += right.length;
    left.next = right.next;
    right.length = 0;
    if (left.next >= 0)
      symbols[static_cast<std::size_t>(left.next)].prev = static_cast<std::int32_t>(top.position);
    if (left.prev >= 0)
      enqueue(static_cast<std::uint32_t>(left.prev),
              symbols[static_cast<std::size_t>(left.prev)].id, left.id);
    if (left.next >= 0)
      enqueue(top.position, left.id, symbols[static_cast<std::size_t>(left.next)].id);
  }
  for (const auto& symbol : symbols)
    if (symbol.length != 0) ids.push_back(symbol.id);
}

}  // namespace loom::tokens
