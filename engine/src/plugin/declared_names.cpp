#include "plugin/declared_names.hpp"

#include "plugin/registry.hpp"

#include <set>

namespace loom {
namespace {

constexpr std::size_t name_min_size = LOOM_SIZE_THROUGH(loom_declared_name, description);

// One list: `what` is "drop reason" or "meta field".
std::string read_list(const loom_declared_name* const* list, std::size_t count,
                      const std::string& named, const char* what, DeclaredNames& out) {
  if (list == nullptr) {
    if (count > 0)
      return named + " declares " + std::to_string(count) + " " + what + "s but no list of them";
    return {};
  }
  std::vector<DeclaredName> names;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string which = named + ": " + what + " #" + std::to_string(i + 1);
    const loom_declared_name* entry = list[i];
    if (entry == nullptr) return which + " is a null pointer";
    if (entry->struct_size < name_min_size)
      return which + " has a descriptor of " + std::to_string(entry->struct_size) +
             " bytes, smaller than the " + std::to_string(name_min_size) + " bytes of ABI 1.3";
    if (entry->name == nullptr || *entry->name == '\0') return which + " has no name";
    if (!seen.insert(entry->name).second)
      return named + ": " + what + " '" + entry->name + "' is declared twice";
    names.push_back({entry->name, entry->description != nullptr ? entry->description : ""});
  }
  out = std::move(names);
  return {};
}

}  // namespace

std::string read_declared_names(const loom_component& c, const std::string& named,
                                DeclaredNames& drop_reasons, DeclaredNames& meta_fields) {
  drop_reasons.reset();
  meta_fields.reset();
  if (c.struct_size < LOOM_SIZE_THROUGH(loom_component, meta_field_count)) return {};
  std::string problem =
      read_list(c.drop_reasons, c.drop_reason_count, named, "drop reason", drop_reasons);
  if (problem.empty())
    problem = read_list(c.meta_fields, c.meta_field_count, named, "meta field", meta_fields);
  return problem;
}

bool is_declared(const std::vector<DeclaredName>& declared, std::string_view name) {
  for (const DeclaredName& d : declared) {
    const std::string_view pattern = d.name;
    if (!pattern.empty() && pattern.back() == '*') {
      if (name.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1)) return true;
    } else if (pattern == name) {
      return true;
    }
  }
  return false;
}

}  // namespace loom
