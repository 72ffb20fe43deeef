#include "rpv2_signals.hpp"

#include <charconv>

namespace loom::quality {
namespace {

void append_integer(std::string& json, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  json.append(buffer, result.ptr);
}

void append_value(std::string& json, const MaybeReal& value) {
  if (value) {
    append_python_float(json, *value);
  } else {
    json += "null";
  }
}

void append_line_span(std::string& json, const Rpv2Line& line) {
  json += json.size() > 1 ? ",[" : "[";
  append_integer(json, line.start);
  json += ',';
  append_integer(json, line.end);
  json += ',';
}

// One line signal: [[start, end, value], ...] over every line.
template <class WriteValue>
void set_line_signal(Doc& doc, std::string& json, const char* key, const Rpv2Signals& s,
                     WriteValue&& write_value) {
  json = "[";
  for (const Rpv2Line& line : s.lines) {
    append_line_span(json, line);
    write_value(line);
    json += ']';
  }
  json += ']';
  doc.set_meta(key, Value::json(json));
}

void set_document_signal(Doc& doc, std::string& json, const char* key, std::uint64_t length,
                         const MaybeReal& value) {
  json.clear();
  append_document_span(json, length, value);
  doc.set_meta(key, Value::json(json));
}

// V2's ccnet_* signals: cc_net's record fields as floats (the bucket as 0, 1, 2).
struct CcnetField {
  const char* meta;
  const char* signal;
};
constexpr CcnetField kCcnetNumericFields[] = {{"length", "ccnet_length"},
                                              {"original_length", "ccnet_original_length"},
                                              {"nlines", "ccnet_nlines"},
                                              {"original_nlines", "ccnet_original_nlines"},
                                              {"language_score", "ccnet_language_score"},
                                              {"perplexity", "ccnet_perplexity"}};

constexpr const char* kDupeNgramNames[] = {
    "rps_doc_frac_chars_dupe_5grams", "rps_doc_frac_chars_dupe_6grams",
    "rps_doc_frac_chars_dupe_7grams", "rps_doc_frac_chars_dupe_8grams",
    "rps_doc_frac_chars_dupe_9grams", "rps_doc_frac_chars_dupe_10grams"};
constexpr const char* kTopNgramNames[] = {
    "rps_doc_frac_chars_top_2gram", "rps_doc_frac_chars_top_3gram", "rps_doc_frac_chars_top_4gram"};

MaybeReal ccnet_bucket(std::string_view bucket) {
  if (bucket == "head") return 0.0;
  if (bucket == "middle") return 1.0;
  if (bucket == "tail") return 2.0;
  return std::nullopt;
}

}  // namespace

void append_python_float(std::string& json, double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  json += text;
  // Python's repr marks a float that holds an integer: 20.0, not 20.
  if (text.find_first_of(".e") == std::string_view::npos) json += ".0";
}

void append_document_span(std::string& json, std::uint64_t length, const MaybeReal& value) {
  json += "[[0,";
  append_integer(json, length);
  json += ',';
  append_value(json, value);
  json += "]]";
}

void Rpv2SignalsOptions::validate() const {
  if (stop_words.empty() && language != "en")
    throw Error("rpv2_signals: no built-in stop words for language '" + language +
                    "' (built in: en); list them in stop_words",
                LOOM_ERR_CONFIG);
}

Rpv2SignalsComponent::Rpv2SignalsComponent(const Options& options)
    : options_(options),
      stop_word_storage_(options.stop_words.empty() ? rpv2_english_stop_words()
                                                    : options.stop_words) {
  for (const std::string& w : stop_word_storage_) stop_words_.insert(w);
}

void Rpv2SignalsComponent::process(Batch& batch) {
  Rpv2Measurer measurer(stop_words_);  // per call: process() may run on several batches at once
  Rpv2Signals s;
  std::string json;
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    measurer.measure(doc.text(), s);
    if (options_.ccnet_signals) {
      for (const CcnetField& field : kCcnetNumericFields) {
        const std::optional<Value> v = doc.meta(field.meta);
        if (!v) continue;
        MaybeReal value;
        if (v->type == LOOM_VALUE_INT) value = static_cast<double>(v->i);
        if (v->type == LOOM_VALUE_FLOAT) value = v->f;
        set_document_signal(doc, json, field.signal, s.length, value);
      }
      if (const std::optional<Value> bucket = doc.meta("bucket"))
        set_document_signal(
            doc, json, "ccnet_bucket", s.length,
            bucket->type == LOOM_VALUE_STRING ? ccnet_bucket(bucket->s) : std::nullopt);
    }
    const std::uint64_t n = s.length;
    set_document_signal(doc, json, "rps_doc_curly_bracket", n, s.curly_bracket);
    set_document_signal(doc, json, "rps_doc_lorem_ipsum", n, s.lorem_ipsum);
    set_document_signal(doc, json, "rps_doc_stop_word_fraction", n, s.stop_word_fraction);
    // V2's order (its modules' classes by name): the 10-grams sort before the 5-grams.
    set_document_signal(doc, json, kDupeNgramNames[5], n, s.dupe_ngrams[5]);
    for (std::size_t k = 0; k < 5; ++k)
      set_document_signal(doc, json, kDupeNgramNames[k], n, s.dupe_ngrams[k]);
    for (std::size_t k = 0; k < 3; ++k)
      set_document_signal(doc, json, kTopNgramNames[k], n, s.top_ngram[k]);
    set_document_signal(doc, json, "rps_doc_frac_all_caps_words", n, s.frac_all_caps_words);
    set_document_signal(doc, json, "rps_doc_frac_lines_end_with_ellipsis", n,
                        s.frac_lines_end_with_ellipsis);
    set_document_signal(doc, json, "rps_doc_frac_no_alph_words", n, s.frac_no_alph_words);
    set_document_signal(doc, json, "rps_doc_frac_unique_words", n, s.frac_unique_words);
    set_document_signal(doc, json, "rps_doc_mean_word_length", n, s.mean_word_length);
    set_document_signal(doc, json, "rps_doc_num_sentences", n, s.num_sentences);
    set_document_signal(doc, json, "rps_doc_symbol_to_word_ratio", n, s.symbol_to_word_ratio);
    set_document_signal(doc, json, "rps_doc_unigram_entropy", n, s.unigram_entropy);
    json = "[[0,";
    append_integer(json, n);
    json += ',';
    append_integer(json, static_cast<std::uint64_t>(s.word_count));
    json += "]]";
    doc.set_meta("rps_doc_word_count", Value::json(json));

    set_line_signal(
        doc, json, "rps_lines_ending_with_terminal_punctution_mark", s,
        [&](const Rpv2Line& l) { append_python_float(json, l.ends_with_terminal_punctuation); });
    set_line_signal(doc, json, "rps_lines_javascript_counts", s,
                    [&](const Rpv2Line& l) { append_python_float(json, l.javascript_count); });
    set_line_signal(doc, json, "rps_lines_num_words", s, [&](const Rpv2Line& l) {
      append_integer(json, static_cast<std::uint64_t>(l.words));
    });
    set_line_signal(doc, json, "rps_lines_numerical_chars_fraction", s, [&](const Rpv2Line& l) {
      append_python_float(json, l.numerical_chars_fraction);
    });
    if (s.lines.empty()) {
      // V2 gives a text without lines one null span here, and an empty list elsewhere.
      set_document_signal(doc, json, "rps_lines_start_with_bulletpoint", 0, std::nullopt);
    } else {
      set_line_signal(doc, json, "rps_lines_start_with_bulletpoint", s,
                      [&](const Rpv2Line& l) { append_python_float(json, l.starts_with_bullet); });
    }
    set_line_signal(doc, json, "rps_lines_uppercase_letter_fraction", s, [&](const Rpv2Line& l) {
      append_python_float(json, l.uppercase_letter_fraction);
    });
  }
}

}  // namespace loom::quality
