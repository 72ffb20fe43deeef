#include "config/graph_tests.hpp"

#include "config/diagnose.hpp"
#include "config/yaml_tree.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace loom {
namespace {

using Type = ConfigValue::Type;

const std::vector<std::string>& test_keys() {
  static const std::vector<std::string> keys{"insert", "expect"};
  return keys;
}
const std::vector<std::string>& insert_keys() {
  static const std::vector<std::string> keys{"at", "docs"};
  return keys;
}
const std::vector<std::string>& expect_keys() {
  static const std::vector<std::string> keys{"at", "docs", "dropped", "tolerance"};
  return keys;
}
const std::vector<std::string>& document_keys() {
  static const std::vector<std::string> keys{"text", "meta"};
  return keys;
}

const char* const example_test =
    "for example:\n"
    "    keeps_text:\n"
    "      insert: { at: tag, docs: [ { text: \"hello\" } ] }\n"
    "      expect: { at: write, docs: [ { text: \"hello\", meta: { source: c4 } } ] }";

class TestReader {
 public:
  TestReader(GraphSpec& spec, std::vector<Diagnostic>& diagnostics)
      : spec_(spec), diagnostics_(diagnostics) {}

  void read(const ConfigValue& block) {
    if (block.type == Type::null) return;
    if (block.type != Type::mapping) {
      error(block.mark, "'tests' is a mapping of test name to test, found " + describe_value(block),
            {example_test});
      return;
    }
    for (std::size_t i = 0; i < block.entries.size(); ++i) {
      const auto& [name, value] = block.entries[i];
      TestSpec test;
      test.name = name;
      test.mark = block.key_marks[i];
      if (read_test(test, value)) spec_.tests.push_back(std::move(test));
    }
  }

 private:
  void error(SourceMark mark, std::string message, std::vector<std::string> notes = {}) {
    add_error(diagnostics_, spec_.file, mark, std::move(message), std::move(notes));
  }

  // Reports keys of `value` outside `allowed`; returns false if `value` is not a mapping.
  bool check_mapping(const ConfigValue& value, const std::string& what,
                     const std::vector<std::string>& allowed) {
    if (value.type != Type::mapping) {
      error(value.mark, what + " must be a mapping with " + join(allowed, ", ") + ", found " +
                            describe_value(value));
      return false;
    }
    for (std::size_t i = 0; i < value.entries.size(); ++i) {
      const std::string& key = value.entries[i].first;
      bool known = false;
      for (const auto& k : allowed) known = known || k == key;
      if (!known)
        error(value.key_marks[i], "unknown key " + quote(key) + " in " + what,
              {did_you_mean(key, allowed) + "valid keys: " + join(allowed, ", ")});
    }
    return true;
  }

  static const ConfigValue* find(const ConfigValue& mapping, const std::string& key,
                                 SourceMark* key_mark = nullptr) {
    for (std::size_t i = 0; i < mapping.entries.size(); ++i)
      if (mapping.entries[i].first == key) {
        if (key_mark != nullptr) *key_mark = mapping.key_marks[i];
        return &mapping.entries[i].second;
      }
    return nullptr;
  }

  bool read_test(TestSpec& test, const ConfigValue& value) {
    const std::string what = "test " + quote(test.name);
    if (!check_mapping(value, what, test_keys())) return false;
    bool ok = true;
    const ConfigValue* insert = find(value, "insert");
    const ConfigValue* expect = find(value, "expect");
    if (insert == nullptr) {
      error(
          test.mark, what + " has no 'insert'",
          {"'insert' names the node the documents are fed to: insert: { at: NODE, docs: [...] }"});
      ok = false;
    } else if (check_mapping(*insert, "'insert' of " + what, insert_keys())) {
      ok = read_at(*insert, "'insert' of " + what, test.insert_at, test.insert_mark) && ok;
      const ConfigValue* docs = find(*insert, "docs");
      if (docs == nullptr) {
        error(insert->mark, "'insert' of " + what + " has no 'docs'",
              {"list the documents to feed, e.g. docs: [ { text: \"hello\" } ]"});
        ok = false;
      } else {
        ok = read_docs(*docs, "'insert.docs' of " + what, test.insert_docs) && ok;
      }
    } else {
      ok = false;
    }
    if (expect == nullptr) {
      error(test.mark, what + " has no 'expect'",
            {"'expect' names the node whose input is checked: expect: { at: NODE, docs: [...] }"});
      ok = false;
    } else if (check_mapping(*expect, "'expect' of " + what, expect_keys())) {
      ok = read_at(*expect, "'expect' of " + what, test.expect_at, test.expect_mark) && ok;
      const ConfigValue* docs = find(*expect, "docs");
      const ConfigValue* dropped = find(*expect, "dropped");
      if (docs == nullptr && dropped == nullptr) {
        error(expect->mark, "'expect' of " + what + " checks nothing",
              {"give the documents that must arrive ('docs') and/or drop counts ('dropped')"});
        ok = false;
      }
      if (docs != nullptr) {
        test.expects_docs = true;
        ok = read_docs(*docs, "'expect.docs' of " + what, test.expect_docs) && ok;
      }
      if (dropped != nullptr) ok = read_dropped(*dropped, what, test.dropped) && ok;
      if (const ConfigValue* tolerance = find(*expect, "tolerance"); tolerance != nullptr)
        ok = read_tolerance(*tolerance, what, test.float_tolerance) && ok;
    } else {
      ok = false;
    }
    return ok;
  }

  bool read_at(const ConfigValue& parent, const std::string& what, std::string& at,
               SourceMark& mark) {
    SourceMark key_mark;
    const ConfigValue* value = find(parent, "at", &key_mark);
    if (value == nullptr) {
      error(parent.mark, what + " has no 'at'", {"'at' is a node id of this graph"});
      return false;
    }
    if (value->type != Type::scalar || value->scalar.empty()) {
      error(value->mark, "'at' of " + what + " is a node id, found " + describe_value(*value));
      return false;
    }
    at = value->scalar;
    mark = value->mark;
    return true;
  }

  bool read_docs(const ConfigValue& value, const std::string& what,
                 std::vector<TestDocument>& out) {
    if (value.type == Type::null) return true;
    if (value.type != Type::sequence) {
      error(value.mark, what + " is a list of documents, found " + describe_value(value),
            {"for example: docs: [ { text: \"hello\", meta: { url: u } } ]"});
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < value.items.size(); ++i) {
      const ConfigValue& item = value.items[i];
      const std::string doc_what = "document " + std::to_string(i) + " of " + what;
      if (!check_mapping(item, doc_what, document_keys())) {
        ok = false;
        continue;
      }
      TestDocument doc;
      doc.mark = item.mark;
      const ConfigValue* text = find(item, "text");
      if (text == nullptr || text->type != Type::scalar) {
        error(text == nullptr ? item.mark : text->mark,
              doc_what + (text == nullptr ? " has no 'text'"
                                          : " has a 'text' that is not a string, found " +
                                                describe_value(*text)));
        ok = false;
        continue;
      }
      doc.text = text->scalar;
      if (const ConfigValue* meta = find(item, "meta"); meta != nullptr) {
        if (meta->type == Type::mapping) {
          for (std::size_t k = 0; k < meta->entries.size(); ++k)
            doc.meta.push_back(meta->entries[k]);
        } else if (meta->type != Type::null) {
          error(meta->mark, "'meta' of " + doc_what + " is a mapping of keys to values, found " +
                                describe_value(*meta));
          ok = false;
          continue;
        }
      }
      out.push_back(std::move(doc));
    }
    return ok;
  }

  bool read_tolerance(const ConfigValue& value, const std::string& what, double& out) {
    if (value.type == Type::scalar && !value.quoted && !value.scalar.empty()) {
      char* end = nullptr;
      const double number = std::strtod(value.scalar.c_str(), &end);
      if (*end == '\0' && std::isfinite(number) && number >= 0) {
        out = number;
        return true;
      }
    }
    error(
        value.mark,
        "'expect.tolerance' of " + what + " must be a number >= 0, found " + describe_value(value),
        {"floats in meta match when they differ by at most this much, absolutely or relatively "
         "(e.g. tolerance: 1e-9)"});
    return false;
  }

  bool read_dropped(const ConfigValue& value, const std::string& what,
                    std::vector<TestDrops>& out) {
    const char* const shape = "for example: dropped: { lang: { not_english: 1 } }";
    if (value.type != Type::mapping) {
      error(value.mark,
            "'expect.dropped' of " + what + " is a mapping of node id to {reason: count}, found " +
                describe_value(value),
            {shape});
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < value.entries.size(); ++i) {
      const auto& [node, reasons] = value.entries[i];
      TestDrops drops;
      drops.node = node;
      drops.mark = value.key_marks[i];
      if (reasons.type != Type::mapping && reasons.type != Type::null) {
        error(reasons.mark,
              "drops of node " + quote(node) + " in " + what +
                  " are a mapping of reason to count, found " + describe_value(reasons),
              {shape, "'{}' means the node drops nothing"});
        ok = false;
        continue;
      }
      for (std::size_t k = 0; k < reasons.entries.size(); ++k) {
        const auto& [reason, count] = reasons.entries[k];
        std::uint64_t n = 0;
        if (!parse_count(count, n)) {
          error(count.mark, "the count of drop reason " + quote(reason) + " in " + what +
                                " must be a whole number >= 0, found " + describe_value(count));
          ok = false;
          continue;
        }
        drops.reasons.emplace_back(reason, n);
      }
      out.push_back(std::move(drops));
    }
    return ok;
  }

  static bool parse_count(const ConfigValue& value, std::uint64_t& out) {
    if (value.type != Type::scalar || value.quoted || value.scalar.empty() ||
        value.scalar.size() > 18)
      return false;
    out = 0;
    for (const char c : value.scalar) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
  }

  GraphSpec& spec_;
  std::vector<Diagnostic>& diagnostics_;
};

std::vector<std::string> node_ids(const GraphSpec& spec) {
  std::vector<std::string> ids;
  for (const auto& n : spec.nodes) ids.push_back(n.id);
  return ids;
}

// Nodes reachable from `start` following edges forward (downstream) or backward (upstream).
std::set<std::string> reach(const GraphSpec& spec, const std::string& start, bool downstream) {
  std::set<std::string> seen{start};
  std::vector<std::string> todo{start};
  while (!todo.empty()) {
    const std::string id = todo.back();
    todo.pop_back();
    for (const NodeSpec& node : spec.nodes) {
      for (const PortRef& input : node.inputs) {
        const std::string& next = downstream ? node.id : input.node;
        const bool linked = downstream ? input.node == id : node.id == id;
        if (linked && seen.insert(next).second) todo.push_back(next);
      }
    }
  }
  return seen;
}

}  // namespace

void read_tests(const ConfigValue& value, GraphSpec& spec, std::vector<Diagnostic>& diagnostics) {
  TestReader(spec, diagnostics).read(value);
}

TestSlice test_slice(const GraphSpec& spec, const std::string& insert_at,
                     const std::string& expect_at) {
  TestSlice slice;
  const auto below = reach(spec, insert_at, true);
  const auto above = reach(spec, expect_at, false);
  slice.reachable = below.count(expect_at) > 0;
  for (const NodeSpec& node : spec.nodes)
    if (node.id != expect_at && below.count(node.id) > 0 && above.count(node.id) > 0)
      slice.nodes.push_back(&node);
  return slice;
}

void check_tests(const GraphSpec& spec, std::vector<Diagnostic>& diagnostics) {
  const auto ids = node_ids(spec);
  for (const TestSpec& test : spec.tests) {
    const std::string what = "test " + quote(test.name);
    bool known = true;
    for (const auto& [id, mark, role] :
         {std::tuple{test.insert_at, test.insert_mark, "insert.at"},
          std::tuple{test.expect_at, test.expect_mark, "expect.at"}}) {
      if (spec.find(id) != nullptr) continue;
      add_error(diagnostics, spec.file, mark,
                std::string("'") + role + "' of " + what + " names unknown node " + quote(id),
                {did_you_mean(id, ids) + "nodes: " + join(ids, ", ")});
      known = false;
    }
    if (!known) continue;
    const TestSlice slice = test_slice(spec, test.insert_at, test.expect_at);
    if (!slice.reachable) {
      add_error(diagnostics, spec.file, test.expect_mark,
                "'expect.at' of " + what + ": node " + quote(test.expect_at) +
                    " is not downstream of " + quote(test.insert_at),
                {"documents inserted at " + quote(test.insert_at) +
                 " never reach it; follow the 'inputs' of the graph"});
      continue;
    }
    for (const TestDrops& drops : test.dropped) {
      bool runs = false;
      for (const NodeSpec* node : slice.nodes) runs = runs || node->id == drops.node;
      if (runs) continue;
      std::vector<std::string> running;
      for (const NodeSpec* node : slice.nodes) running.push_back(node->id);
      add_error(diagnostics, spec.file, drops.mark,
                "'expect.dropped' of " + what + " names node " + quote(drops.node) +
                    (spec.find(drops.node) == nullptr ? ", which does not exist"
                                                      : ", which this test does not run"),
                {"a test runs the nodes from 'insert.at' up to, not including, 'expect.at': " +
                 (running.empty() ? std::string("none here") : join(running, ", "))});
    }
  }
}

}  // namespace loom
