// Reads one site dump as documents, one per question joined with its answers, in bounded memory.
//
// The reference held a whole site in memory; this reader streams Posts.xml instead:
//   1. scan: Posts.xml is parsed in pieces cut at row lines (posts_pieces.hpp) on the run's
//      threads; every post, its HTML converted to text, becomes a record keyed by its question id
//      (a question's own Id, an answer's ParentId) and its row number; records go, in document
//      order, to an external sort that spills sorted runs to disk when memory_budget_mb is
//      exceeded.
//   2. join: the merged records arrive grouped by question id, each group in document order, so
//      a question and all its answers are together; each question's document text is assembled
//      and keyed by the question's row number into a second external sort.
//   3. emit: the documents come back in the questions' document order, which is the order the
//      in-memory reader wrote (and the reference's output order).
// Each read() call does a bounded amount of work, so a run can be interrupted between calls.
#pragma once

#include "stackexchange_source.hpp"

#include <memory>
#include <string>

namespace loom::stackexchange {

std::unique_ptr<ShardReader> open_site_reader(const StackExchangeSourceOptions& options,
                                              std::string path);

}  // namespace loom::stackexchange
