// Golden parity: rpv2_signals on the texts of ../shared/golden/rpv2/rpv2_signals.jsonl (real C4
// and cc_net text plus hand-written edge cases) must give RedPajama-V2's own signals, as its
// unmodified code computed them: every span's start and end, every value's type (int, float or
// null) and every value exactly. No tolerance: V2 rounds each ratio to 8 decimals with round(x,
// 8), and rpv2_signals computes the same double with the same operations in the same order
// before the same rounding, so any difference is a real one.
#include "quality_plugin.hpp"

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

struct SpanValue {
  enum Kind { null, integer, real } kind = null;
  std::int64_t i = 0;
  double f = 0;
  bool operator==(const SpanValue&) const = default;
};

struct Span {
  std::int64_t start = 0;
  std::int64_t end = 0;
  SpanValue value;
  bool operator==(const Span&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Span& s) {
  os << '[' << s.start << ", " << s.end << ", ";
  if (s.value.kind == SpanValue::null) os << "null";
  if (s.value.kind == SpanValue::integer) os << s.value.i;
  if (s.value.kind == SpanValue::real) os << std::setprecision(17) << s.value.f;
  return os << ']';
}

std::vector<Span> parse_spans(simdjson::ondemand::array spans) {
  std::vector<Span> out;
  for (simdjson::ondemand::array span : spans) {
    Span s;
    int at = 0;
    for (simdjson::ondemand::value v : span) {
      if (at == 0) s.start = v.get_int64();
      if (at == 1) s.end = v.get_int64();
      if (at == 2) {
        if (v.is_null()) {
          s.value.kind = SpanValue::null;
        } else if (v.get_number_type() == simdjson::ondemand::number_type::floating_point_number) {
          s.value = {SpanValue::real, 0, double(v.get_double())};
        } else {
          s.value = {SpanValue::integer, int64_t(v.get_int64()), 0};
        }
      }
      ++at;
    }
    REQUIRE(at == 3);
    out.push_back(s);
  }
  return out;
}

struct GoldenDoc {
  std::string src;
  std::string text;
  std::vector<std::pair<std::string, std::vector<Span>>> signals;
};

std::vector<GoldenDoc> read_golden(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<GoldenDoc> docs;
  simdjson::ondemand::parser parser;
  for (std::string line; std::getline(in, line);) {
    simdjson::padded_string padded(line);
    simdjson::ondemand::document d = parser.iterate(padded);
    GoldenDoc g;
    g.src = std::string(std::string_view(d["src"]));
    g.text = std::string(std::string_view(d["text"]));
    for (auto field : d["signals"].get_object()) {
      std::string name(std::string_view(field.unescaped_key()));
      g.signals.emplace_back(name, parse_spans(field.value().get_array()));
    }
    docs.push_back(std::move(g));
  }
  return docs;
}

}  // namespace

TEST_CASE("rpv2_signals gives RedPajama-V2's own signals on the shared golden texts") {
  const std::filesystem::path golden =
      std::filesystem::path(LOOM_SHARED_DIR) / "golden/rpv2/rpv2_signals.jsonl";
  if (!std::filesystem::exists(golden)) {
    MESSAGE("SKIPPED: " << golden << " not found");
    return;
  }
  const std::vector<GoldenDoc> want = read_golden(golden);
  REQUIRE(want.size() == 330);
  std::vector<loom::testing::Document> input(want.size());
  for (std::size_t i = 0; i < want.size(); ++i) input[i].text = want[i].text;
  loom::testing::Instance instance(quality_test::plugin().component("rpv2_signals"), {});
  const std::vector<loom::testing::Document> got = instance.process(input);
  REQUIRE(got.size() == want.size());

  std::map<std::string, std::size_t> differing;  // signal -> documents where it differs
  std::size_t compared = 0;
  simdjson::ondemand::parser parser;
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK_MESSAGE(!got[i].dropped, want[i].src);
    for (const auto& [name, spans] : want[i].signals) {
      const loom::testing::MetaValue* v = got[i].find(name);
      REQUIRE_MESSAGE(v != nullptr, want[i].src << ": no meta field " << name);
      REQUIRE_MESSAGE(v->type == LOOM_VALUE_JSON, want[i].src << ": " << name << " is not JSON");
      simdjson::padded_string padded(v->s);
      simdjson::ondemand::document d = parser.iterate(padded);
      const std::vector<Span> ours = parse_spans(d.get_array());
      ++compared;
      if (ours == spans) continue;
      ++differing[name];
      std::ostringstream detail;
      for (std::size_t k = 0; k < std::max(ours.size(), spans.size()); ++k) {
        if (k < ours.size() && k < spans.size() && ours[k] == spans[k]) continue;
        detail << "span " << k << ": golden ";
        if (k < spans.size())
          detail << spans[k];
        else
          detail << "(none)";
        detail << ", ours ";
        if (k < ours.size())
          detail << ours[k];
        else
          detail << "(none)";
        break;
      }
      if (differing[name] <= 3)
        MESSAGE(want[i].src << ": " << name << " differs (" << ours.size() << " vs " << spans.size()
                            << " spans), first " << detail.str());
    }
  }
  for (const auto& [name, count] : differing)
    MESSAGE(name << " differs in " << count << " of " << want.size() << " documents");
  CHECK(compared == want.size() * 27);
  CHECK(differing.empty());
}
