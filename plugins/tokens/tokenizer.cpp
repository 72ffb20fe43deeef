#include "tokenizer.hpp"

#include <simdjson.h>

#include <algorithm>
#include <stdexcept>

namespace loom::tokens {
namespace {

// Hugging Face's ByteLevel pre-tokenizer pattern (GPT-2's).
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Byte offset of the first invalid UTF-8 sequence (text.size() when there is none).
std::size_t invalid_utf8_offset(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t min = 0;
    char32_t c = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, min = 0x80, c = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, min = 0x800, c = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, min = 0x10000, c = lead & 0x07u;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      c = (c << 6) | (next & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return i;
    i += length;
  }
  return i;
}

struct Part {
  std::size_t begin;
  std::size_t end;
  bool match;
};

// Hugging Face's NormalizedString::split: the pieces of `text` between and around `matches`
// under one SplitDelimiterBehavior, empty ones left out.
void split_by(std::string_view text, const std::vector<Span>& matches, bool invert,
              SplitBehavior behavior, std::vector<Part>& parts,
              std::vector<std::string_view>& out) {
  parts.clear();
  std::size_t previous = 0;
  for (const Span& match : matches) {
    if (match.begin != previous) parts.push_back({previous, match.begin, invert});
    parts.push_back({match.begin, match.end, !invert});
    previous = match.end;
  }
  if (previous != text.size()) parts.push_back({previous, text.size(), invert});

  std::vector<Part> merged;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::removed:
      std::erase_if(parts, [](const Part& part) { return part.match; });
      break;
    case SplitBehavior::isolated: break;
    case SplitBehavior::contiguous:
    case SplitBehavior::merged_with_previous:
      for (const Part& part : parts) {
        const bool joins = behavior == SplitBehavior::contiguous ? part.match == previous_match
                                                                 : part.match && !previous_match;
        if (joins && !merged.empty())
          merged.back().end = part.end;
        else
          merged.push_back(part);
        previous_match = part.match;
      }
      parts.swap(merged);
      break;
    case SplitBehavior::merged_with_next:
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        if (it->match && !previous_match && !merged.empty())
          merged.back().begin = it->begin;
        else
          merged.push_back(*it);
        previous_match = it->match;
      }
      std::reverse(merged.begin(), merged.end());
      parts.swap(merged);
      break;
  }
  for (const Part& part : parts)
    if (part.end > part.begin) out.push_back(text.substr(part.begin, part.end - part.begin));
}

}  // namespace

std::shared_ptr<const Tokenizer> Tokenizer::load(const std::string& path) {
  const TokenizerSpec spec = read_tokenizer_spec(path);
  return std::make_shared<const Tokenizer>(spec, path);
}

Tokenizer::Tokenizer(const TokenizerSpec& spec, const std::string& path)
    : normalizer_(spec.normalizers), model_([&] {
        try {
          return BpeModel(spec.model, spec.byte_level());
        } catch (const std::invalid_argument& e) {
          throw TokenizerFileError(path + ": " + e.what());
        }
      }()) {
  for (std::size_t i = 0; i < spec.pre_tokenizers.size(); ++i) {
    Step step{spec.pre_tokenizers[i], nullptr};
    std::string pattern;
    if (const auto* split = std::get_if<SplitStep>(&step.spec)) pattern = split->regex;
    if (const auto* bytes = std::get_if<ByteLevelStep>(&step.spec); bytes && bytes->use_regex)
      pattern = kGpt2Pattern;
    if (!pattern.empty()) {
      try {
        step.regex = std::make_unique<Regex>(pattern);
      } catch (const std::invalid_argument& e) {
        throw TokenizerFileError(path + ": pre_tokenizer (step " + std::to_string(i + 1) +
                                 "): " + e.what());
      }
    }
    steps_.push_back(std::move(step));
  }
  id_bound_ = model_.id_texts().size();
  std::string normalized;
  std::string scratch;
  for (const AddedTokenSpec& token : spec.added_tokens) {
    added_texts_.emplace(token.id, token.content);
    id_bound_ = std::max<std::uint64_t>(id_bound_, std::uint64_t{token.id} + 1);
    if (token.normalized)
      normalized_added_.add(normalizer_.apply(token.content, normalized, scratch), token.id);
    else
      raw_added_.add(token.content, token.id);
  }
}

std::unique_ptr<Tokenizer::Encoder> Tokenizer::encoder() const {
  return std::make_unique<Encoder>(*this);
}

std::optional<std::uint32_t> Tokenizer::token_id(std::string_view text) const {
  for (const auto& [id, content] : added_texts_)
    if (content == text) return id;
  return model_.word_id(text);
}

std::string Tokenizer::decode(const std::vector<std::uint32_t>& ids) const {
  std::string out;
  for (std::uint32_t id : ids) {
    if (auto it = added_texts_.find(id); it != added_texts_.end())
      out += it->second;
    else if (id < model_.id_texts().size())
      out += model_.id_texts()[id];
  }
  return out;
}

Tokenizer::Encoder::Encoder(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {
  for (const Step& step : tokenizer.steps_)
    matchers_.push_back(step.regex ? std::make_unique<Regex::Matcher>(*step.regex) : nullptr);
}

std::size_t Tokenizer::Encoder::count(std::string_view text) {
  count_ids_.clear();
  encode(text, count_ids_);
  return count_ids_.size();
}

void Tokenizer::Encoder::encode(std::string_view text, std::vector<std::uint32_t>& ids) {
  if (!simdjson::validate_utf8(text.data(), text.size()))
    throw std::invalid_argument("text is not valid UTF-8 at byte " +
                                std::to_string(invalid_utf8_offset(text)));
  raw_pieces_.clear();
  tokenizer_.raw_added_.split(text, raw_pieces_);
  for (const auto& piece : raw_pieces_) {
    if (piece.token >= 0) {
      ids.push_back(static_cast<std::uint32_t>(piece.token));
      continue;
    }
    const std::string_view normalized =
        tokenizer_.normalizer_.apply(piece.text, normalized_, normalize_scratch_);
    normalized_pieces_.clear();
    tokenizer_.normalized_added_.split(normalized, normalized_pieces_);
    for (const auto& inner : normalized_pieces_) {
      if (inner.token >= 0)
        ids.push_back(static_cast<std::uint32_t>(inner.token));
      else
        encode_plain(inner.text, ids);
    }
  }
}

void Tokenizer::Encoder::encode_plain(std::string_view text, std::vector<std::uint32_t>& ids) {
  pre_tokenize(text);
  for (std::string_view word : words_) encode_word(word, ids);
}

void Tokenizer::Encoder::pre_tokenize(std::string_view text) {
  words_.assign(1, text);
  prefixed_.clear();
  std::vector<Part> parts;
  for (std::size_t i = 0; i < tokenizer_.steps_.size(); ++i) {
    const Step& step = tokenizer_.steps_[i];
    next_words_.clear();
    for (std::string_view word : words_) {
      SplitBehavior behavior = SplitBehavior::isolated;
      bool invert = false;
      if (const auto* bytes = std::get_if<ByteLevelStep>(&step.spec)) {
        if (bytes->add_prefix_space && !word.starts_with(' ')) {
          prefixed_.push_back(" " + std::string(word));
          word = prefixed_.back();
        }
        if (!bytes->use_regex) {
          next_words_.push_back(word);
          continue;
        }
      } else {
        const auto& split = std::get<SplitStep>(step.spec);
        behavior = split.behavior;
        invert = split.invert;
      }
      spans_.clear();
      matchers_[i]->find_all(word, spans_);
      split_by(word, spans_, invert, behavior, parts, next_words_);
    }
    words_.swap(next_words_);
  }
}

void Tokenizer::Encoder::encode_word(std::string_view word, std::vector<std::uint32_t>& ids) {
  const BpeModel& model = tokenizer_.model_;
  if (model.ignore_merges()) {
    if (auto id = model.word_id(word)) {
      ids.push_back(*id);
      return;
    }
  }
  if (word.size() >= kCachedWordBytes) return model.encode_word(word, scratch_, ids);
  if (auto hit = cache_.find(word); hit != cache_.end()) {
    ids.insert(ids.end(), hit->second.begin(), hit->second.end());
    return;
  }
  const std::size_t first = ids.size();
  model.encode_word(word, scratch_, ids);
  // A full cache starts over: memory stays bounded and recent words stay fast.
  if (cache_.size() >= kCacheEntries) cache_.clear();
  cache_.emplace(std::string(word), std::vector<std::uint32_t>(ids.begin() + first, ids.end()));
}

}  // namespace loom::tokens
