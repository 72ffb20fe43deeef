// rpv2_signals: annotates each document with RedPajama-V2's rule-based quality signals
// (rps_doc_* and rps_lines_*), each meta field named and shaped as V2 stores it in
// quality_signals: a JSON list of [start, end, value] spans. docs/reference/rpv2-signals.md.
#pragma once

#include "rpv2_document.hpp"

#include <loom/plugin.hpp>

#include <string>

namespace loom::quality {

struct Rpv2SignalsOptions {
  std::string language = "en";
  StringList stop_words;
  bool ccnet_signals = true;

  static constexpr auto fields = std::tuple(
      field("language", &Rpv2SignalsOptions::language,
            "language of the documents: picks V2's stop word list (built in: en)"),
      field("stop_words", &Rpv2SignalsOptions::stop_words,
            "stop words of rps_doc_stop_word_fraction, matched case-sensitively against "
            "WordPunct tokens; empty: V2's list for `language` (required for a language other "
            "than en)"),
      field("ccnet_signals", &Rpv2SignalsOptions::ccnet_signals,
            "also write V2's ccnet_* signals (ccnet_length, ccnet_original_length, ccnet_nlines, "
            "ccnet_original_nlines, ccnet_language_score, ccnet_perplexity, ccnet_bucket) from "
            "the cc_net meta fields of the same names without the prefix, when a document has "
            "them"));

  void validate() const;
};

class Rpv2SignalsComponent : public Cleaner {
 public:
  static constexpr const char* name = "rpv2_signals";
  static constexpr const char* summary =
      "RedPajama-V2's rule-based quality signals (rps_doc_*, rps_lines_*) as V2's "
      "[start, end, value] spans in meta; never drops";
  using Options = Rpv2SignalsOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"rps_*", "RedPajama-V2 quality signals"}};

  explicit Rpv2SignalsComponent(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::vector<std::string> stop_word_storage_;
  Rpv2StopWords stop_words_;
};

// The spans of each signal as V2's JSON ([[start, end, value], ...], floats as Python's repr).
void append_document_span(std::string& json, std::uint64_t length, const MaybeReal& value);
void append_python_float(std::string& json, double value);

}  // namespace loom::quality
