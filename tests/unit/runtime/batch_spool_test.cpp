// The spool of a whole-input stage (runtime/batch_spool.hpp): a kept batch whose documents were
// mostly dropped upstream is kept as a compact copy, not with all the bytes of its source batch,
// and reads back the same.
#include "runtime/batch_spool.hpp"

#include <doctest/doctest.h>
#include <loom/testing/files.hpp>

#include <string>

using loom::runtime::Batch;
using loom::runtime::BatchSpool;
using loom::runtime::Document;

TEST_CASE("spool: a batch left with few documents is kept without the dropped ones' bytes") {
  const loom::testing::TempDir spill("batch_spool_compact");
  auto batch = std::make_shared<Batch>();
  batch->seq = 41;
  batch->ends_shard = true;
  for (int i = 0; i < 200; ++i) {
    Document& doc = batch->append();
    batch->set_text(doc, std::to_string(i) + std::string(4000, 'x'));
  }
  batch->erase_if([&](const Document& doc) { return doc.text.front() != '7'; });
  REQUIRE(batch->docs.size() == 11);  // 7 and 70..79
  const std::size_t held = batch->memory_bytes();
  const std::uint64_t text = batch->text_bytes();

  BatchSpool spool(std::size_t{1} << 30, spill.path(), "test");
  spool.push(batch);
  batch.reset();
  CHECK(spool.spilled_batches() == 0);
  CHECK(spool.memory_bytes() < held / 4);
  CHECK(spool.memory_bytes() >= text);

  const auto back = spool.next();
  REQUIRE(back);
  CHECK(back->seq == 41);
  CHECK(back->ends_shard);
  REQUIRE(back->docs.size() == 11);
  CHECK(back->docs[0].text == "7" + std::string(4000, 'x'));
  CHECK(back->docs[10].text == "79" + std::string(4000, 'x'));
  CHECK_FALSE(spool.next());
}
