#include "signal_filter.hpp"

#include <simdjson.h>

namespace loom::quality {
namespace {

std::optional<double> number_of(simdjson::ondemand::value value) {
  simdjson::ondemand::number_type type;
  if (value.get_number_type().get(type) != simdjson::SUCCESS) return std::nullopt;
  double d = 0;
  if (value.get_double().get(d) != simdjson::SUCCESS) return std::nullopt;
  return d;
}

// A JSON number, or the sum (or mean) of the third elements of a list of [start, end, value].
std::optional<double> json_signal_value(std::string_view json, bool mean) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS) return std::nullopt;
  simdjson::ondemand::json_type type;
  if (document.type().get(type) != simdjson::SUCCESS) return std::nullopt;
  if (type == simdjson::ondemand::json_type::number) {
    double d = 0;
    if (document.get_double().get(d) != simdjson::SUCCESS) return std::nullopt;
    return d;
  }
  simdjson::ondemand::array spans;
  if (type != simdjson::ondemand::json_type::array || document.get_array().get(spans))
    return std::nullopt;
  double sum = 0;
  std::size_t count = 0;
  for (auto element : spans) {
    simdjson::ondemand::array span;
    if (element.get_array().get(span) != simdjson::SUCCESS) return std::nullopt;
    std::size_t at = 0;
    std::optional<double> value;
    for (auto part : span) {
      simdjson::ondemand::value v;
      if (part.get(v) != simdjson::SUCCESS) return std::nullopt;
      if (at++ == 2) value = number_of(v);
    }
    if (at != 3 || !value) return std::nullopt;  // not a span, or a null value
    sum += *value;
    ++count;
  }
  if (!mean) return sum;
  if (count == 0) return std::nullopt;
  return sum / static_cast<double>(count);
}

}  // namespace

std::optional<double> signal_value(const Value& value, bool mean) {
  switch (value.type) {
    case LOOM_VALUE_INT: return static_cast<double>(value.i);
    case LOOM_VALUE_FLOAT: return value.f;
    case LOOM_VALUE_JSON: return json_signal_value(value.s, mean);
    default: return std::nullopt;
  }
}

SignalFilter::SignalFilter(const Options& options) : options_(options) {
  const std::string prefix = options.reason.empty() ? options.field_name : options.reason;
  too_low_ = prefix + "_too_low";
  too_high_ = prefix + "_too_high";
  missing_ = prefix + "_missing";
}

void SignalFilter::process(Batch& batch) {
  const bool mean = options_.reduce == "mean";
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const std::optional<Value> meta = doc.meta(options_.field_name);
    const std::optional<double> value = meta ? signal_value(*meta, mean) : std::nullopt;
    if (!value) {
      doc.drop(missing_);
    } else if (*value < options_.min) {
      doc.drop(too_low_);
    } else if (options_.max > 0 && *value > options_.max) {
      doc.drop(too_high_);
    }
  }
}

}  // namespace loom::quality
