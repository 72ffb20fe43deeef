// Just enough of a host to call a fixture component's process() in-process: a batch of documents
// with text, and the loom_host functions that reach them. The real host lives in the runtime.
#pragma once

#include <loom/plugin.h>

#include <string>
#include <vector>

namespace loom::testing {

struct FakeDoc {
  std::string text;
  std::string drop_reason;
  bool dropped = false;
};

struct FakeBatch {
  std::vector<FakeDoc> docs;

  explicit FakeBatch(const std::vector<std::string>& texts) {
    for (const std::string& t : texts) docs.push_back(FakeDoc{t, {}, false});
  }
  loom_batch* raw() { return reinterpret_cast<loom_batch*>(this); }
};

inline FakeBatch& fake(loom_batch* b) { return *reinterpret_cast<FakeBatch*>(b); }
inline const FakeBatch& fake(const loom_batch* b) { return *reinterpret_cast<const FakeBatch*>(b); }
inline FakeDoc& fake(loom_doc* d) { return *reinterpret_cast<FakeDoc*>(d); }
inline const FakeDoc& fake(const loom_doc* d) { return *reinterpret_cast<const FakeDoc*>(d); }

// A host table whose batch and document functions work on FakeBatch; the others stay null, so a
// fixture calling one would crash the test loudly.
inline const loom_host& fake_host() {
  static const loom_host host = [] {
    loom_host h{};
    h.struct_size = sizeof(loom_host);
    h.abi_major = LOOM_ABI_MAJOR;
    h.abi_minor = LOOM_ABI_MINOR;
    h.batch_size = [](const loom_batch* b) { return fake(b).docs.size(); };
    h.batch_doc = [](loom_batch* b, size_t i) {
      return reinterpret_cast<loom_doc*>(&fake(b).docs.at(i));
    };
    h.doc_text = [](const loom_doc* d) {
      const std::string& t = fake(d).text;
      return loom_str{t.data(), t.size()};
    };
    h.doc_drop = [](loom_doc* d, loom_str reason) {
      fake(d).dropped = true;
      fake(d).drop_reason.assign(reason.data, reason.size);
    };
    h.doc_is_dropped = [](const loom_doc* d) { return fake(d).dropped ? 1 : 0; };
    return h;
  }();
  return host;
}

inline loom_error fresh_error() {
  loom_error err{};
  err.struct_size = sizeof(loom_error);
  err.record = -1;
  err.line = -1;
  err.byte_offset = -1;
  return err;
}

}  // namespace loom::testing
