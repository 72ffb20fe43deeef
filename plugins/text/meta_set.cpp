#include "meta_set.hpp"

#include <charconv>

namespace loom::text {
namespace {

template <class T>
bool parses_as(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

Value typed_value(std::string_view s) {
  if (s == "null") return Value::null();
  if (s == "true") return Value::boolean(true);
  if (s == "false") return Value::boolean(false);
  std::int64_t i = 0;
  if (!s.empty() && parses_as(s, i)) return Value::integer(i);
  double f = 0;
  // A digit is required so that "nan" or "inf" stay strings.
  if (s.find_first_of("0123456789") != std::string_view::npos && parses_as(s, f))
    return Value::real(f);
  return Value::string(s);
}

}  // namespace

MetaSet::MetaSet(const Options& options) : options_(options) {
  for (const auto& [field, text] : options_.set)
    values_.push_back(options_.typed ? typed_value(text) : Value::string(text));
}

void MetaSet::process(Batch& batch) {
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    for (const auto& [from, to] : options_.rename) doc.rename_meta(from, to);
    for (std::size_t k = 0; k < values_.size(); ++k)
      doc.set_meta(options_.set[k].first, values_[k]);
    for (const std::string& field : options_.drop) doc.remove_meta(field);
  }
}

}  // namespace loom::text
