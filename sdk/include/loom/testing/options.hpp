// loom/testing/options.hpp: binds a component's options from YAML-ish text (flow syntax only:
// scalars, [a, b], {a: b}), checked against its option specs as the engine would.
#pragma once

#include <loom/plugin.h>
#include <loom/plugin.hpp>
#include <loom/testing/document.hpp>

#include <charconv>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace loom::testing {

namespace detail {

inline loom::Error config_error(const std::string& message) {
  return loom::Error(message, LOOM_ERR_CONFIG);
}

class FlowParser {
 public:
  explicit FlowParser(std::string_view text, std::string_view option)
      : text_(text), option_(option) {}

  // A whole value that is one scalar (quoted or plain).
  std::string whole_scalar() {
    skip_space();
    std::string value = scalar("");
    skip_space();
    if (pos_ != text_.size()) throw bad("unexpected text after the value");
    return value;
  }
  std::vector<std::string> list() {
    std::vector<std::string> items;
    skip_space();
    expect('[');
    skip_space();
    if (peek() == ']') return ++pos_, finish(items);
    while (true) {
      items.push_back(scalar(",]"));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect(']');
      return finish(items);
    }
  }
  std::vector<std::string> map() {  // key, value, key, value, ...
    std::vector<std::string> items;
    skip_space();
    expect('{');
    skip_space();
    if (peek() == '}') return ++pos_, finish(items);
    while (true) {
      items.push_back(scalar(":"));
      skip_space();
      expect(':');
      items.push_back(scalar(",}"));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      return finish(items);
    }
  }

 private:
  std::vector<std::string> finish(std::vector<std::string>& items) {
    skip_space();
    if (pos_ != text_.size()) throw bad("unexpected text after the value");
    return std::move(items);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) throw bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  loom::Error bad(const std::string& what) const {
    return config_error("option '" + std::string(option_) + "': cannot parse '" +
                        std::string(text_) + "': " + what + " at column " +
                        std::to_string(pos_ + 1));
  }
  // A plain scalar ends at one of `stops` (a ':' only when followed by a space or the end).
  std::string scalar(std::string_view stops) {
    skip_space();
    if (peek() == '"') return double_quoted();
    if (peek() == '\'') return single_quoted();
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ':' && stops.find(':') != std::string_view::npos &&
          (pos_ + 1 == text_.size() || text_[pos_ + 1] == ' '))
        break;
      if (c != ':' && stops.find(c) != std::string_view::npos) break;
      ++pos_;
    }
    std::string_view value = text_.substr(start, pos_ - start);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return std::string(value);
  }
  std::string double_quoted() {
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'x': {
          if (pos_ + 2 > text_.size()) throw bad("short \\x escape");
          unsigned v = 0;
          std::from_chars(text_.data() + pos_, text_.data() + pos_ + 2, v, 16);
          out += static_cast<char>(v);
          pos_ += 2;
          break;
        }
        default: out += e;  // \" \\ \/
      }
    }
    expect('"');
    return out;
  }
  std::string single_quoted() {
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '\'') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
          out += '\'';
          pos_ += 2;
          continue;
        }
        break;
      }
      out += text_[pos_++];
    }
    expect('\'');
    return out;
  }

  std::string_view text_;
  std::string_view option_;
  std::size_t pos_ = 0;
};

}  // namespace detail

// Checked option values for one component, owning everything the loom_option_value views point
// into.
class BoundOptions {
 public:
  BoundOptions(const loom_component& component, const OptionMap& given) {
    for (const auto& [name, text] : given) {
      bool known = false;
      for (std::size_t k = 0; k < component.option_count; ++k)
        known = known || name == loom_option_spec_at(component.options, k)->name;
      if (!known)
        throw detail::config_error("unknown option '" + name + "' for component '" +
                                   component.name + "'");
    }
    values_.resize(component.option_count);
    items_.resize(component.option_count);
    ints_.resize(component.option_count);
    floats_.resize(component.option_count);
    for (std::size_t k = 0; k < component.option_count; ++k) {
      const loom_option_spec& spec = *loom_option_spec_at(component.options, k);
      loom_option_value& value = values_[k];
      value.struct_size = sizeof(loom_option_value);
      const std::string* text = nullptr;
      for (const auto& [name, t] : given)
        if (name == spec.name) text = &t;
      value.present = text != nullptr ? 1 : 0;
      if (text == nullptr) {
        if (spec.default_value == nullptr)
          throw detail::config_error("missing required option '" + std::string(spec.name) +
                                     "' for component '" + component.name + "'");
        strings_.emplace_back(spec.default_value);
        text = &strings_.back();
      }
      bind(spec, *text, value, k);
    }
  }
  BoundOptions(const BoundOptions&) = delete;
  BoundOptions& operator=(const BoundOptions&) = delete;

  const loom_option_value* data() const { return values_.data(); }
  std::size_t size() const { return values_.size(); }

 private:
  loom_str keep(std::string s) {
    strings_.push_back(std::move(s));
    return loom_str{strings_.back().data(), strings_.back().size()};
  }

  static std::int64_t parse_int(const loom_option_spec& spec, const std::string& s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
      throw detail::config_error("option '" + std::string(spec.name) +
                                 "' expects an integer, got '" + s + "'");
    check_bounds(spec, static_cast<double>(v), s);
    return v;
  }
  static double parse_float(const loom_option_spec& spec, const std::string& s) {
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
      throw detail::config_error("option '" + std::string(spec.name) + "' expects a number, got '" +
                                 s + "'");
    check_bounds(spec, v, s);
    return v;
  }
  static void check_bounds(const loom_option_spec& spec, double v, const std::string& s) {
    if ((spec.has_min && v < spec.min) || (spec.has_max && v > spec.max))
      throw detail::config_error("option '" + std::string(spec.name) + "': " + s +
                                 " is out of range");
  }
  // A list value, or a lone scalar as a list of one.
  static std::vector<std::string> list_items(detail::FlowParser& parser, std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.starts_with("[")) return parser.list();
    return {parser.whole_scalar()};
  }

  void bind(const loom_option_spec& spec, const std::string& text, loom_option_value& value,
            std::size_t k) {
    detail::FlowParser parser(text, spec.name);
    switch (spec.type) {
      case LOOM_OPTION_BOOL: {
        std::string s = parser.whole_scalar();
        if (s != "true" && s != "false")
          throw detail::config_error("option '" + std::string(spec.name) +
                                     "' expects true or false, got '" + s + "'");
        value.b = s == "true" ? 1 : 0;
        break;
      }
      case LOOM_OPTION_INT: value.i = parse_int(spec, parser.whole_scalar()); break;
      case LOOM_OPTION_FLOAT: value.f = parse_float(spec, parser.whole_scalar()); break;
      case LOOM_OPTION_STRING: value.s = keep(parser.whole_scalar()); break;
      case LOOM_OPTION_ENUM: {
        std::string s = parser.whole_scalar();
        bool ok = false;
        std::string allowed;
        for (std::size_t e = 0; e < spec.enum_count; ++e) {
          ok = ok || s == spec.enum_values[e];
          allowed += (e ? ", " : "") + std::string(spec.enum_values[e]);
        }
        if (!ok)
          throw detail::config_error("option '" + std::string(spec.name) + "' expects one of " +
                                     allowed + ", got '" + s + "'");
        value.s = keep(std::move(s));
        break;
      }
      case LOOM_OPTION_STRING_LIST:
      case LOOM_OPTION_STRING_MAP: {
        std::vector<std::string> parsed =
            spec.type == LOOM_OPTION_STRING_MAP ? parser.map() : list_items(parser, text);
        for (auto& s : parsed) items_[k].push_back(keep(std::move(s)));
        value.items = items_[k].data();
        value.count = items_[k].size();
        break;
      }
      case LOOM_OPTION_INT_LIST:
        for (const std::string& s : list_items(parser, text))
          ints_[k].push_back(parse_int(spec, s));
        value.ints = ints_[k].data();
        value.count = ints_[k].size();
        break;
      case LOOM_OPTION_FLOAT_LIST:
        for (const std::string& s : list_items(parser, text))
          floats_[k].push_back(parse_float(spec, s));
        value.floats = floats_[k].data();
        value.count = floats_[k].size();
        break;
      default:
        throw detail::config_error("option '" + std::string(spec.name) + "' has unknown type " +
                                   std::to_string(spec.type));
    }
  }

  std::deque<std::string> strings_;  // deque: stable addresses for the views
  std::vector<loom_option_value> values_;
  std::vector<std::vector<loom_str>> items_;
  std::vector<std::vector<std::int64_t>> ints_;
  std::vector<std::vector<double>> floats_;
};

}  // namespace loom::testing
