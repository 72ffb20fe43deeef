// meta_set: renames, sets and drops meta fields, in that order.
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <utility>
#include <vector>

namespace loom::text {

struct MetaSetOptions {
  StringMap set;
  bool typed = false;
  StringMap rename;
  StringList drop;

  static constexpr auto fields = std::tuple(
      field("set", &MetaSetOptions::set,
            "fields to set, {field: value}; an existing field keeps its position, a new one is "
            "appended"),
      field("typed", &MetaSetOptions::typed,
            "read set values as null, true/false, integers and floats where they parse as such; "
            "otherwise every value is a string"),
      field("rename", &MetaSetOptions::rename,
            "fields to rename, {from: to}; the field keeps its position"),
      field("drop", &MetaSetOptions::drop, "fields to remove"));
};

class MetaSet : public Cleaner {
 public:
  static constexpr const char* name = "meta_set";
  static constexpr const char* summary = "renames, sets and drops meta fields (in that order)";
  using Options = MetaSetOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr Declared meta_fields[] = {{"*", "the fields the set option names"}};

  explicit MetaSet(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::vector<Value> values_;  // parsed `set` values; strings view into options_
};

}  // namespace loom::text
