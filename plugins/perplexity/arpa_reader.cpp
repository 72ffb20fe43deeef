// The ARPA text format:
//   \data\                 (a line of its own)
//   ngram 1=<count>            (one line per order, 1..N)
//   \1-grams:
//   <log10 prob> <w1> [<log10 backoff>]        (whitespace separated; `count` lines)
//   \2-grams:  ... \N-grams: (the highest order has no backoff column)
//   \end\                  (a line of its own)
// Blank lines may separate sections. The tables built are KenLM's probing layout with its
// multiplier 1.5 and its word numbering (<unk> is 0, the others in order of their unigram).
#include "language_model.hpp"

#include "murmur_hash.hpp"

#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace loom::ngram {
namespace {

constexpr float probing_multiplier = 1.5F;
// KenLM's default log10 probability for <unk> when the file has none.
constexpr float missing_unknown_log10 = -100.0F;

// Lines of a plain or gzip-compressed file (zlib reads both).
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr)
      throw ModelFileError("cannot open language model '" + path +
                           "': " + (errno != 0 ? std::strerror(errno) : "out of memory"));
    gzbuffer(file_, 1 << 18);
  }
  ~LineReader() { gzclose(file_); }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its end of line; nullopt at the end of the file.
  std::optional<std::string_view> next() {
    while (true) {
      const std::size_t newline = buffer_.find('\n', start_);
      if (newline != std::string::npos) {
        std::string_view line(buffer_.data() + start_, newline - start_);
        start_ = newline + 1;
        ++number_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
      }
      if (at_end_) {
        if (start_ >= buffer_.size()) return std::nullopt;
        std::string_view line(buffer_.data() + start_, buffer_.size() - start_);
        start_ = buffer_.size();
        ++number_;
        return line;
      }
      buffer_.erase(0, start_);
      start_ = 0;
      const std::size_t old_size = buffer_.size();
      buffer_.resize(old_size + (1 << 18));
      const int got = gzread(file_, buffer_.data() + old_size, 1 << 18);
      if (got < 0) {
        int code = 0;
        const char* message = gzerror(file_, &code);
        throw ModelFileError("ARPA file '" + path_ + "': read error after line " +
                             std::to_string(number_) + ": " + message);
      }
      buffer_.resize(old_size + static_cast<std::size_t>(got));
      if (got == 0) at_end_ = true;
    }
  }
  std::uint64_t line_number() const { return number_; }

 private:
  std::string path_;
  gzFile file_ = nullptr;
  std::string buffer_;
  std::size_t start_ = 0;
  bool at_end_ = false;
  std::uint64_t number_ = 0;
};

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Splits on spaces and tabs into at most `capacity` fields; returns the field count, or
// capacity + 1 when there are more.
std::size_t split_fields(std::string_view line, std::string_view* fields, std::size_t capacity) {
  std::size_t count = 0;
  std::size_t at = 0;
  while (true) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) return count;
    const std::size_t end = std::min(line.find_first_of(" \t", at), line.size());
    if (count == capacity) return capacity + 1;
    fields[count++] = line.substr(at, end - at);
    at = end;
  }
}

class ArpaBuilder {
 public:
  explicit ArpaBuilder(const std::string& path) : path_(path), lines_(path) {}

  ModelTables build() {
    read_counts();
    allocate();
    for (int n = 1; n <= order(); ++n) read_section(n);
    const std::string end = !pending_header_.empty() ? std::move(pending_header_)
                                                     : std::string(trim(next_nonblank("\\end\\")));
    if (end != "\\end\\") throw error("expected \\end\\, found '" + end + "'");
    check_specials();
    tables_.format = "ARPA";
    return std::move(tables_);
  }

 private:
  int order() const { return static_cast<int>(counts_.size()); }

  ModelFileError error(const std::string& what) const {
    return ModelFileError("ARPA file '" + path_ + "', line " +
                          std::to_string(lines_.line_number()) + ": " + what);
  }

  std::string_view next_nonblank(const char* expected) {
    while (auto line = lines_.next())
      if (!is_blank(*line)) return *line;
    throw ModelFileError("ARPA file '" + path_ + "' ends early (truncated?): expected " + expected);
  }

  // \data\ then "ngram N=count" lines, orders 1, 2, ... in sequence.
  void read_counts() {
    const std::string_view first = next_nonblank("\\data\\");
    if (trim(first) != "\\data\\")
      throw error("not an ARPA file: expected \\data\\, found '" +
                  std::string(first.substr(0, 60)) + "'");
    while (auto line = lines_.next()) {
      if (is_blank(*line)) {
        if (counts_.empty()) continue;
        break;
      }
      std::string_view rest = trim(*line);
      if (!rest.starts_with("ngram ")) {
        if (!counts_.empty() && rest.starts_with("\\")) {
          pending_header_ = std::string(rest);
          break;
        }
        throw error("expected 'ngram N=count', found '" + std::string(rest) + "'");
      }
      rest.remove_prefix(6);
      const std::size_t equals = rest.find('=');
      unsigned n = 0;
      std::uint64_t count = 0;
      const std::string_view n_text = trim(rest.substr(0, equals));
      const std::string_view count_text =
          equals == std::string_view::npos ? std::string_view{} : trim(rest.substr(equals + 1));
      const auto n_parse = std::from_chars(n_text.data(), n_text.data() + n_text.size(), n);
      const auto count_parse =
          std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
      if (equals == std::string_view::npos || n_parse.ec != std::errc{} ||
          n_parse.ptr != n_text.data() + n_text.size() || count_parse.ec != std::errc{} ||
          count_parse.ptr != count_text.data() + count_text.size())
        throw error("malformed count line '" + std::string(*line) + "'");
      if (n != counts_.size() + 1)
        throw error("count for order " + std::to_string(n) + " where order " +
                    std::to_string(counts_.size() + 1) + " was expected");
      if (count == 0) throw error("order " + std::to_string(n) + " has no n-grams");
      counts_.push_back(count);
    }
    if (counts_.size() < 2 || counts_.size() > static_cast<std::size_t>(max_order))
      throw error("order " + std::to_string(counts_.size()) + " outside 2.." +
                  std::to_string(max_order));
  }

  void allocate() {
    const auto buckets = [](std::uint64_t count) {
      return ProbingTable::buckets_for(count, probing_multiplier);
    };
    std::uint64_t bytes = buckets(counts_[0]) * 12 + (counts_[0] + 1) * 8;
    for (int n = 2; n < order(); ++n) bytes += buckets(counts_[n - 1]) * 16;
    bytes += buckets(counts_.back()) * 12;
    auto memory = std::make_shared<std::vector<std::uint64_t>>((bytes + 7) / 8, 0);
    auto* at = reinterpret_cast<unsigned char*>(memory->data());
    const auto place = [&](std::uint64_t count, std::size_t entry_bytes) {
      ProbingTable table{at, buckets(count), entry_bytes};
      at += table.buckets * entry_bytes;
      return table;
    };
    tables_.vocabulary = place(counts_[0], 12);
    unigrams_ = at;
    tables_.unigrams = at;
    at += (counts_[0] + 1) * 8;
    for (int n = 2; n < order(); ++n) tables_.middle.push_back(place(counts_[n - 1], 16));
    tables_.longest = place(counts_.back(), 12);
    tables_.storage = std::move(memory);
    // <unk> keeps this unless the file lists it.
    store_unigram(0, missing_unknown_log10, 0.0F);
  }

  void store_unigram(WordIndex word, float prob, float backoff) {
    std::memcpy(unigrams_ + 8 * static_cast<std::size_t>(word), &prob, 4);
    std::memcpy(unigrams_ + 8 * static_cast<std::size_t>(word) + 4, &backoff, 4);
  }

  // Puts an entry in a table this builder owns; false when the key is already there.
  static bool insert(const ProbingTable& table, std::uint64_t key, const void* value,
                     std::size_t value_bytes) {
    auto* entries = const_cast<unsigned char*>(table.entries);
    std::uint64_t slot = key % table.buckets;
    while (true) {
      unsigned char* entry = entries + slot * table.entry_bytes;
      std::uint64_t stored;
      std::memcpy(&stored, entry, 8);
      if (stored == key) return false;
      if (stored == 0) {
        std::memcpy(entry, &key, 8);
        std::memcpy(entry + 8, value, value_bytes);
        return true;
      }
      if (++slot == table.buckets) slot = 0;
    }
  }

  float parse_float(std::string_view text, const char* what) const {
    // strtof on a NUL-terminated copy: correctly rounded like KenLM's parser, and it accepts
    // the forms ARPA writers use (-inf, exponents).
    char buffer[64];
    if (text.size() >= sizeof buffer) throw error(std::string("malformed ") + what);
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    char* end = nullptr;
    const float value = std::strtof(buffer, &end);
    if (end != buffer + text.size())
      throw error(std::string("malformed ") + what + " '" + std::string(text) + "'");
    return value;
  }

  void read_section(int n) {
    const std::string expected = "\\" + std::to_string(n) + "-grams:";
    std::string header = std::move(pending_header_);
    if (header.empty()) header = std::string(trim(next_nonblank(expected.c_str())));
    if (header != expected) throw error("expected " + expected + ", found '" + header + "'");
    const bool has_backoff = n < order();
    std::string_view fields[max_order + 3];
    WordIndex words[max_order];
    std::uint64_t seen = 0;
    while (auto line = lines_.next()) {
      if (is_blank(*line) || trim(*line).starts_with("\\")) {
        if (!is_blank(*line)) pending_header_ = std::string(trim(*line));
        break;
      }
      if (++seen > counts_[n - 1])
        throw error("the \\" + std::to_string(n) + "-grams: section has more than the " +
                    std::to_string(counts_[n - 1]) + " entries \\data\\ declares");
      const std::size_t got = split_fields(*line, fields, static_cast<std::size_t>(n) + 2);
      if (got != static_cast<std::size_t>(n) + 1 &&
          !(has_backoff && got == static_cast<std::size_t>(n) + 2))
        throw error("expected a probability, " + std::to_string(n) + " word(s)" +
                    (has_backoff ? " and an optional backoff" : "") + ", found '" +
                    std::string(*line) + "'");
      const float prob = parse_float(fields[0], "probability");
      if (prob > 0.0F)
        throw error("positive log10 probability " + std::string(fields[0]) +
                    " (a known IRSTLM bug; KenLM refuses it too)");
      const float backoff =
          got == static_cast<std::size_t>(n) + 2 ? parse_float(fields[n + 1], "backoff") : 0.0F;
      if (n == 1) {
        add_word(fields[1], prob, backoff);
        continue;
      }
      for (int i = 0; i < n; ++i) words[i] = known_word(fields[1 + i]);
      // The key starts at the newest (last) word and folds in the older ones.
      std::uint64_t key = words[n - 1];
      for (int i = n - 2; i >= 0; --i) key = combine_word_hash(key, words[i]);
      const float value[2] = {prob, backoff};
      const ProbingTable& table = n < order() ? tables_.middle[n - 2] : tables_.longest;
      if (!insert(table, key, value, n < order() ? 8 : 4))
        throw error("duplicate " + std::to_string(n) + "-gram '" + std::string(*line) + "'");
    }
    if (seen != counts_[n - 1])
      throw error("count mismatch: the \\" + std::to_string(n) + "-grams: section has " +
                  std::to_string(seen) + " entries but \\data\\ declares " +
                  std::to_string(counts_[n - 1]));
  }

  void add_word(std::string_view word, float prob, float backoff) {
    const std::uint64_t hash = murmur_hash_64a(word);
    if (word == "<unk>" || word == "<UNK>") {
      if (saw_unknown_) throw error("duplicate unigram '" + std::string(word) + "'");
      if (std::fabs(backoff) > 0.0000001F)
        throw error("the backoff of <unk> must be 0, found " + std::to_string(backoff));
      saw_unknown_ = true;
      store_unigram(0, prob, backoff);
      return;
    }
    const WordIndex index = next_index_;
    if (index > counts_[0]) throw error("more unigrams than \\data\\ declares");
    if (!insert(tables_.vocabulary, hash, &index, 4))
      throw error("duplicate unigram '" + std::string(word) + "'");
    ++next_index_;
    store_unigram(index, prob, backoff);
  }

  WordIndex known_word(std::string_view word) const {
    if (word == "<unk>" || word == "<UNK>") return 0;
    const unsigned char* entry = tables_.vocabulary.find(murmur_hash_64a(word));
    if (entry == nullptr) throw error("word '" + std::string(word) + "' has no unigram");
    WordIndex index;
    std::memcpy(&index, entry + 8, 4);
    return index;
  }

  void check_specials() {
    tables_.unigram_count = next_index_;
    for (const char* special : {"<s>", "</s>"})
      if (tables_.vocabulary.find(murmur_hash_64a(special)) == nullptr)
        throw ModelFileError("ARPA file '" + path_ + "' has no unigram " + special);
  }

  std::string path_;
  LineReader lines_;
  std::vector<std::uint64_t> counts_;
  std::string pending_header_;
  ModelTables tables_;
  unsigned char* unigrams_ = nullptr;
  WordIndex next_index_ = 1;
  bool saw_unknown_ = false;
};

}  // namespace

ModelTables read_arpa(const std::string& path) { return ArpaBuilder(path).build(); }

}  // namespace loom::ngram
