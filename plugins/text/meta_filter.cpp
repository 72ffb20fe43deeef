#include "meta_filter.hpp"

namespace loom::text {

MetaFilter::MetaFilter(const Options& options)
    : field_(options.field_name),
      values_(options.values.begin(), options.values.end()),
      not_listed_(options.field_name + "_not_listed"),
      missing_(options.field_name + "_missing") {}

void MetaFilter::process(Batch& batch) {
  for (Doc doc : batch) {
    if (doc.dropped()) continue;
    const std::optional<Value> value = doc.meta(field_);
    if (!value || value->type != LOOM_VALUE_STRING) {
      doc.drop(missing_);
    } else if (values_.count(std::string(value->s)) == 0) {
      doc.drop(not_listed_);
    }
  }
}

}  // namespace loom::text
