// tokenizer.json -> TokenizerSpec, with simdjson's DOM. Every refusal names the JSON path.
#include <simdjson.h>

#include <cctype>
#include <string_view>

#include "tokenizer_spec.hpp"

namespace loom::tokens {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

class SpecReader {
 public:
  explicit SpecReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw TokenizerFileError(file_ + ": " + (path.empty() ? "" : path + ": ") + what);
  }

  std::optional<element> member(object obj, std::string_view key) const {
    element value;
    if (obj.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
    return value;
  }

  // A member that may be absent or null.
  std::optional<element> present(object obj, std::string_view key) const {
    auto value = member(obj, key);
    if (!value || value->is_null()) return std::nullopt;
    return value;
  }

  object as_object(element value, const std::string& path) const {
    object obj;
    if (value.get(obj) != simdjson::SUCCESS) fail(path, "expected an object");
    return obj;
  }

  array as_array(element value, const std::string& path) const {
    array arr;
    if (value.get(arr) != simdjson::SUCCESS) fail(path, "expected an array");
    return arr;
  }

  std::string as_string(element value, const std::string& path) const {
    std::string_view text;
    if (value.get(text) != simdjson::SUCCESS) fail(path, "expected a string");
    return std::string(text);
  }

  bool flag(object obj, std::string_view key, const std::string& path, bool fallback) const {
    auto value = present(obj, key);
    if (!value) return fallback;
    bool b = false;
    if (value->get(b) != simdjson::SUCCESS)
      fail(path + "." + std::string(key), "expected a boolean");
    return b;
  }

  std::string type_of(object obj, const std::string& path) const {
    auto value = member(obj, "type");
    if (!value) fail(path, "has no \"type\"");
    return as_string(*value, path + ".type");
  }

  // A flag that Loom only supports in one setting.
  void require_flag(object obj, std::string_view key, const std::string& path, bool wanted) const {
    if (flag(obj, key, path, wanted) != wanted)
      fail(path + "." + std::string(key),
           std::string("not supported: only ") + (wanted ? "true" : "false") + " is");
  }

  void normalizer(element value, const std::string& path, std::vector<NormalForm>& out) const {
    if (value.is_null()) return;
    const object obj = as_object(value, path);
    const std::string type = type_of(obj, path);
    if (type == "NFC") return out.push_back(NormalForm::nfc);
    if (type == "NFKC") return out.push_back(NormalForm::nfkc);
    if (type == "NFD") return out.push_back(NormalForm::nfd);
    if (type == "NFKD") return out.push_back(NormalForm::nfkd);
    if (type == "Sequence") {
      auto list = member(obj, "normalizers");
      if (!list) fail(path, "Sequence has no \"normalizers\"");
      std::size_t i = 0;
      for (element item : as_array(*list, path + ".normalizers"))
        normalizer(item, path + ".normalizers[" + std::to_string(i++) + "]", out);
      return;
    }
    fail(path + ".type",
         "normalizer '" + type + "' is not supported (supported: NFC, NFKC, NFD, NFKD, Sequence)");
  }

  SplitBehavior behavior(object obj, const std::string& path) const {
    auto value = member(obj, "behavior");
    if (!value) fail(path, "Split has no \"behavior\"");
    const std::string name = as_string(*value, path + ".behavior");
    if (name == "Removed") return SplitBehavior::removed;
    if (name == "Isolated") return SplitBehavior::isolated;
    if (name == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
    if (name == "MergedWithNext") return SplitBehavior::merged_with_next;
    if (name == "Contiguous") return SplitBehavior::contiguous;
    fail(path + ".behavior", "unknown behavior '" + name + "'");
  }

  static std::string escaped(std::string_view literal) {
    std::string out;
    for (char c : literal) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80 && !std::isalnum(u) && c != ' ') out += '\\';
      out += c;
    }
    return out;
  }

  SplitStep split(object obj, const std::string& path) const {
    SplitStep step;
    auto pattern = member(obj, "pattern");
    if (!pattern) fail(path, "Split has no \"pattern\"");
    const object kinds = as_object(*pattern, path + ".pattern");
    if (auto regex = member(kinds, "Regex")) {
      step.regex = as_string(*regex, path + ".pattern.Regex");
    } else if (auto literal = member(kinds, "String")) {
      step.regex = escaped(as_string(*literal, path + ".pattern.String"));
    } else {
      fail(path + ".pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
    }
    step.behavior = behavior(obj, path);
    step.invert = flag(obj, "invert", path, false);
    return step;
  }

  void pre_tokenizer(element value, const std::string& path,
                     std::vector<PreTokenizerStep>& out) const {
    if (value.is_null()) return;
    const object obj = as_object(value, path);
    const std::string type = type_of(obj, path);
    if (type == "ByteLevel") {
      ByteLevelStep step;
      step.add_prefix_space = flag(obj, "add_prefix_space", path, true);
      step.use_regex = flag(obj, "use_regex", path, true);
      out.emplace_back(std::in_place_type<ByteLevelStep>, step);
      return;
    }
    if (type == "Split") {
      out.emplace_back(std::in_place_type<SplitStep>, split(obj, path));
      return;
    }
    if (type == "Sequence") {
      auto list = member(obj, "pretokenizers");
      if (!list) fail(path, "Sequence has no \"pretokenizers\"");
      std::size_t i = 0;
      for (element item : as_array(*list, path + ".pretokenizers"))
        pre_tokenizer(item, path + ".pretokenizers[" + std::to_string(i++) + "]", out);
      return;
    }
    fail(path + ".type",
         "pre-tokenizer '" + type + "' is not supported (supported: ByteLevel, Split, Sequence)");
  }

  // `path()` spells the value's JSON path, called only for an error.
  template <class Path>
  std::uint32_t token_id(element value, const Path& path) const {
    std::uint64_t id = 0;
    if (value.get(id) != simdjson::SUCCESS || id > 0xFFFFFFFFu)
      fail(path(), "expected a token id (an integer from 0 to 2^32-1)");
    return static_cast<std::uint32_t>(id);
  }

  // merges[index]: "<left> <right>" or [left, right]. Its JSON path is only spelled out for an
  // error: building it for each of GPT-NeoX's 50,000 merges was a tenth of the tokenizer's load.
  void merge(element value, std::size_t index, BpeSpec& model) const {
    const auto path = [index] { return "model.merges[" + std::to_string(index) + "]"; };
    std::string_view line;
    if (value.get(line) == simdjson::SUCCESS) {
      const auto space = line.find(' ');
      if (space == std::string_view::npos) fail(path(), "a merge must be \"<left> <right>\"");
      model.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
      return;
    }
    const array pair = as_array(value, path());
    if (pair.size() != 2) fail(path(), "a merge must be [left, right]");
    std::string_view left;
    std::string_view right;
    if (pair.at(0).get(left) != simdjson::SUCCESS) fail(path() + "[0]", "expected a string");
    if (pair.at(1).get(right) != simdjson::SUCCESS) fail(path() + "[1]", "expected a string");
    model.merges.emplace_back(left, right);
  }

  BpeSpec model(element value) const {
    const std::string path = "model";
    const object obj = as_object(value, path);
    if (auto type = member(obj, "type"); !type || as_string(*type, "model.type") != "BPE")
      fail("model.type", "only BPE models are supported");
    if (auto dropout = present(obj, "dropout")) {
      double p = 0;
      if (dropout->get(p) != simdjson::SUCCESS || p != 0)
        fail("model.dropout", "not supported (dropout makes ids random); expected null");
    }
    for (std::string_view key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
      if (auto affix = present(obj, key);
          affix && !as_string(*affix, "model." + std::string(key)).empty())
        fail("model." + std::string(key), "not supported; expected null");
    }
    require_flag(obj, "byte_fallback", path, false);
    BpeSpec spec;
    spec.fuse_unk = flag(obj, "fuse_unk", path, false);
    spec.ignore_merges = flag(obj, "ignore_merges", path, false);
    if (auto unk = present(obj, "unk_token")) spec.unk_token = as_string(*unk, "model.unk_token");
    auto vocab = member(obj, "vocab");
    if (!vocab) fail(path, "has no \"vocab\"");
    const object tokens = as_object(*vocab, "model.vocab");
    spec.vocab.reserve(tokens.size());
    for (auto [token, id] : tokens)
      spec.vocab.emplace_back(token, token_id(id, [token = token] {
                                return "model.vocab[\"" + std::string(token) + "\"]";
                              }));
    auto merges = member(obj, "merges");
    if (!merges) fail(path, "has no \"merges\"");
    const array merge_list = as_array(*merges, "model.merges");
    spec.merges.reserve(merge_list.size());
    std::size_t i = 0;
    for (element item : merge_list) merge(item, i++, spec);
    return spec;
  }

  std::vector<AddedTokenSpec> added_tokens(element value) const {
    std::vector<AddedTokenSpec> out;
    if (value.is_null()) return out;
    std::size_t i = 0;
    for (element item : as_array(value, "added_tokens")) {
      const std::string path = "added_tokens[" + std::to_string(i++) + "]";
      const object obj = as_object(item, path);
      AddedTokenSpec token;
      auto id = member(obj, "id");
      auto content = member(obj, "content");
      if (!id || !content) fail(path, "needs \"id\" and \"content\"");
      token.id = token_id(*id, [&] { return path + ".id"; });
      token.content = as_string(*content, path + ".content");
      if (token.content.empty()) fail(path + ".content", "an added token cannot be empty");
      token.normalized = flag(obj, "normalized", path, true);
      for (std::string_view key : {"single_word", "lstrip", "rstrip"})
        require_flag(obj, key, path, false);
      out.push_back(std::move(token));
    }
    return out;
  }

  TokenizerSpec read() const {
    simdjson::dom::parser parser;
    element root;
    if (auto error = parser.load(file_).get(root); error != simdjson::SUCCESS)
      fail("", std::string("cannot read tokenizer JSON: ") + simdjson::error_message(error));
    const object obj = as_object(root, "(root)");
    TokenizerSpec spec;
    for (std::string_view key : {"truncation", "padding"})
      if (present(obj, key))
        fail(std::string(key), "not supported (it changes the ids); expected null");
    if (auto value = member(obj, "normalizer")) normalizer(*value, "normalizer", spec.normalizers);
    if (auto value = member(obj, "pre_tokenizer"))
      pre_tokenizer(*value, "pre_tokenizer", spec.pre_tokenizers);
    for (std::size_t i = 0; i + 1 < spec.pre_tokenizers.size(); ++i)
      if (std::holds_alternative<ByteLevelStep>(spec.pre_tokenizers[i]))
        fail("pre_tokenizer", "ByteLevel is supported only as the last pre-tokenizer");
    auto model_value = member(obj, "model");
    if (!model_value) fail("model", "missing");
    spec.model = model(*model_value);
    if (auto value = member(obj, "added_tokens")) spec.added_tokens = added_tokens(*value);
    check_id_range(spec);
    return spec;
  }

  // Ids index tables (the texts decode() returns, one slot per id up to the largest) and are
  // written as int32 by megatron_sink, so an id far above the number of tokens would make a
  // table of gigabytes, or come out negative: refused, naming it. Real tokenizers number their
  // tokens from 0 with few gaps; the bound leaves a million ids of room above twice the count.
  void check_id_range(const TokenizerSpec& spec) const {
    const std::uint64_t tokens = spec.model.vocab.size() + spec.added_tokens.size();
    const std::uint64_t limit = 2 * tokens + (std::uint64_t{1} << 20);
    const auto refuse = [&](const std::string& path, std::uint32_t id) {
      fail(path, "id " + std::to_string(id) + " is not supported: ids must be below " +
                     std::to_string(limit) + " (twice the " + std::to_string(tokens) +
                     " tokens, plus 2^20)");
    };
    for (const auto& [token, id] : spec.model.vocab)
      if (id >= limit) refuse("model.vocab[\"" + token + "\"]", id);
    for (std::size_t i = 0; i < spec.added_tokens.size(); ++i)
      if (spec.added_tokens[i].id >= limit)
        refuse("added_tokens[" + std::to_string(i) + "].id", spec.added_tokens[i].id);
  }

 private:
  std::string file_;
};

}  // namespace

TokenizerSpec read_tokenizer_spec(const std::string& path) { return SpecReader(path).read(); }

}  // namespace loom::tokens
