#include "cutoff_table.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace loom::redpajama_cc {
namespace {

std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  while (true) {
    const std::size_t comma = line.find(',');
    cells.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return cells;
    line.remove_prefix(comma + 1);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail(std::string_view name, std::size_t line, const std::string& what) {
  throw std::invalid_argument(std::string(name) + ":" + std::to_string(line) + ": " + what);
}

double parse_number(std::string_view cell, std::string_view name, std::size_t line) {
  cell = trim(cell);
  if (cell.empty()) return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (ec != std::errc() || end != cell.data() + cell.size())
    fail(name, line, "'" + std::string(cell) + "' is not a number");
  return value;
}

}  // namespace

CutoffTable CutoffTable::from_csv(std::string_view csv, std::string_view name, int head_percentile,
                                  int tail_percentile) {
  std::vector<std::string_view> languages;
  std::vector<double> head_row, tail_row;
  std::size_t line_number = 0;
  while (!csv.empty()) {
    const std::size_t end = csv.find('\n');
    const std::string_view line = trim(csv.substr(0, end));
    csv.remove_prefix(end == std::string_view::npos ? csv.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    if (line.find('"') != std::string_view::npos)
      fail(name, line_number, "quoted cells are not supported");
    std::vector<std::string_view> cells = split_cells(line);
    if (languages.empty()) {
      if (cells.size() < 2) fail(name, line_number, "the header names no language column");
      for (std::size_t i = 1; i < cells.size(); ++i) languages.push_back(trim(cells[i]));
      continue;
    }
    if (cells.size() != languages.size() + 1)
      fail(name, line_number,
           std::to_string(cells.size()) + " cells, the header has " +
               std::to_string(languages.size() + 1));
    const double percentile = parse_number(cells[0], name, line_number);
    const bool is_head = percentile == head_percentile, is_tail = percentile == tail_percentile;
    if (!is_head && !is_tail) continue;
    std::vector<double> values;
    for (std::size_t i = 1; i < cells.size(); ++i)
      values.push_back(parse_number(cells[i], name, line_number));
    if ((is_head && !head_row.empty()) || (is_tail && !tail_row.empty()))
      fail(name, line_number, "percentile " + std::string(trim(cells[0])) + " appears twice");
    if (is_head) head_row = values;
    if (is_tail) tail_row = std::move(values);
  }
  if (languages.empty()) fail(name, line_number, "empty cutoff table");
  if (head_row.empty())
    fail(name, line_number, "no row for the head percentile " + std::to_string(head_percentile));
  if (tail_row.empty())
    fail(name, line_number, "no row for the tail percentile " + std::to_string(tail_percentile));
  CutoffTable table;
  // pandas renames a repeated column ("en" then "en.1"), so the first one is the language's.
  for (std::size_t i = 0; i < languages.size(); ++i)
    if (table.find(languages[i]) == nullptr)
      table.add(std::string(languages[i]), Cutoffs{head_row[i], tail_row[i]});
  return table;
}

std::string_view bucket_of(double perplexity, const Cutoffs* cutoffs) {
  if (cutoffs == nullptr || perplexity < 0) return "all";
  if (perplexity < cutoffs->head) return "head";
  if (perplexity < cutoffs->tail) return "middle";
  return "tail";
}

}  // namespace loom::redpajama_cc
