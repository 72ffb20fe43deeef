// Documents of `loom test` as plain values: built from the graph file's `tests:` block, captured
// from a batch, compared and printed.
#pragma once

#include "runtime/batch.hpp"

#include <loom/engine/graph_spec.hpp>

#include <string>
#include <utility>
#include <vector>

namespace loom {

// A document with its metadata values rendered as JSON (strings quoted, numbers and booleans
// bare, nested values compact), so that values compare by type and value.
struct PlainDocument {
  std::string text;
  std::vector<std::pair<std::string, std::string>> meta;  // key -> JSON, in order
};

// YAML scalars are typed the way the graph file's options are: null/~, true/false, integers and
// floats are themselves unless quoted; anything else is a string; lists and mappings are JSON.
PlainDocument plain_document(const TestDocument& doc);

// Appends `doc` to a batch as a source would.
void append_to_batch(runtime::Batch& batch, const TestDocument& doc, std::uint64_t record);

// What a document in a batch holds.
PlainDocument capture_document(const runtime::Batch& batch, const runtime::Document& doc);

// {"text": ..., "meta": {...}} on one line (long texts shortened around `focus`).
std::string describe_document(const PlainDocument& doc);
std::string json_quote(std::string_view text);

// The first difference between two document lists, described over several lines; "" if equal.
// Meta floats (on both sides) within `float_tolerance` of each other, absolutely or relatively to
// the expected value, are equal.
std::string first_difference(const std::vector<PlainDocument>& expected,
                             const std::vector<PlainDocument>& actual, double float_tolerance = 0);

}  // namespace loom
