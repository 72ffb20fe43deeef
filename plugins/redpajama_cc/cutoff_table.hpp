// Perplexity cutoffs per language: cc_net's PerplexityBucket table (cutoff.csv, one row per
// percentile 0..99, one column per language), or the same two numbers given inline.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace loom::redpajama_cc {

struct Cutoffs {
  double head = 0;  // perplexity < head: "head"
  double tail = 0;  // head <= perplexity < tail: "middle"; otherwise "tail"
};

class CutoffTable {
 public:
  // cc_net's `pd.read_csv(path, index_col=0)` then `cutoffs[lang][percentile]` for the head and
  // tail percentiles: `csv` is the file's bytes, `name` names it in errors. A header row whose
  // first cell is the index's name (empty in cc_net's file), then rows "<percentile>,<values>".
  // An empty cell reads as NaN, as pandas does (perplexity < NaN is false).
  // Throws std::invalid_argument naming the file and line on a malformed table or a missing row.
  static CutoffTable from_csv(std::string_view csv, std::string_view name, int head_percentile,
                              int tail_percentile);

  void add(std::string language, Cutoffs cutoffs) { by_language_[std::move(language)] = cutoffs; }
  const Cutoffs* find(std::string_view language) const {
    const auto it = by_language_.find(language);
    return it == by_language_.end() ? nullptr : &it->second;
  }
  std::size_t size() const { return by_language_.size(); }

 private:
  std::map<std::string, Cutoffs, std::less<>> by_language_;
};

// The bucket cc_net's get_bucket() gives: "all" for a language without cutoffs (nullptr) or a
// negative perplexity, else head / middle / tail.
std::string_view bucket_of(double perplexity, const Cutoffs* cutoffs);

}  // namespace loom::redpajama_cc
