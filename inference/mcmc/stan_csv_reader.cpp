#include "inference/mcmc/stan_csv_reader.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>

#include "runtime/errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kStepSize = "Step size =";
constexpr std::string_view kDiagonalMetric = "Diagonal elements of inverse mass matrix:";
constexpr std::string_view kDenseMetric = "Elements of inverse mass matrix:";

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Not stdlib/io/csv.h's RFC 4180 reader: a Stan CSV file interleaves `#`
// comment lines (config, adaptation, timing) with its rows, its numbers are
// never quoted, and the metric's comment lines are comma-separated too.
std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// Locale-independent; takes nan, inf and -inf as from_chars does, and the
// "+inf" the Stan CSV format allows.
std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A line of the file, remembered with its number for messages.
struct Line {
  int64_t number;
  std::string text;
};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  StanCsv read() {
    std::ifstream in(path_);
    if (!in) raise("cannot read the draws file '" + path_ + "': " + std::strerror(errno));
    std::string text;
    for (int64_t number = 1; std::getline(in, text); ++number) {
      if (!text.empty() && text.back() == '\r') text.pop_back();
      take(Line{number, std::move(text)});
    }
    if (in.bad()) raise("reading the draws file '" + path_ + "' failed: " + std::strerror(errno));
    if (result_.column_names.empty()) {
      raise("the draws file '" + path_ + "' has no header line (it is empty or holds only comments)");
    }
    read_adaptation();
    const auto columns = static_cast<int64_t>(result_.column_names.size());
    const int64_t rows = static_cast<int64_t>(values_.size()) / columns;
    result_.draws = at::tensor(values_, at::kDouble).reshape({rows, columns});
    return std::move(result_);
  }

 private:
  std::string at_line(int64_t number) const { return path_ + ":" + std::to_string(number) + ": "; }

  void take(Line line) {
    const std::string_view content = trim(line.text);
    if (content.empty()) return;
    if (content.front() == '#') {
      result_.comments.emplace_back(content.substr(1));
      comment_lines_.push_back(line.number);
      return;
    }
    if (result_.column_names.empty()) {
      take_header(line.number, content);
    } else {
      take_draw(line.number, content);
    }
  }

  void take_header(int64_t number, std::string_view content) {
    const std::vector<std::string_view> names = split_commas(content);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) raise(at_line(number) + "column " + std::to_string(i + 1) + " of the header has no name");
      result_.column_names.emplace_back(names[i]);
    }
  }

  void take_draw(int64_t number, std::string_view content) {
    const std::vector<std::string_view> fields = split_commas(content);
    if (fields.size() != result_.column_names.size()) {
      raise(at_line(number) + "expected " + std::to_string(result_.column_names.size()) +
            " values as the header has, got " + std::to_string(fields.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::optional<double> value = parse_number(fields[i]);
      if (!value) {
        raise(at_line(number) + "column " + std::to_string(i + 1) + " (" + result_.column_names[i] + "): '" +
              std::string(fields[i]) + "' is not a number");
      }
      values_.push_back(*value);
    }
  }

  // The comment `i` as a list of numbers: one row of the inverse metric.
  std::vector<double> metric_row(size_t i, std::string_view after) const {
    if (i >= result_.comments.size()) {
      raise("the draws file '" + path_ + "' ends after '" + std::string(after) + "'");
    }
    std::vector<double> row;
    for (std::string_view field : split_commas(trim(result_.comments[i]))) {
      const std::optional<double> value = parse_number(field);
      if (!value) {
        raise(at_line(comment_lines_[i]) + "expected the numbers of the inverse mass matrix after '" +
              std::string(after) + "', got '" + result_.comments[i] + "'");
      }
      row.push_back(*value);
    }
    return row;
  }

  void read_adaptation() {
    const auto& comments = result_.comments;
    for (size_t i = 0; i < comments.size(); ++i) {
      const std::string_view c = trim(comments[i]);
      if (c.substr(0, kStepSize.size()) == kStepSize) {
        const std::optional<double> step = parse_number(trim(c.substr(kStepSize.size())));
        if (!step) raise(at_line(comment_lines_[i]) + "the step size is not a number: '" + std::string(c) + "'");
        result_.step_size = *step;
      } else if (c == kDiagonalMetric) {
        result_.inverse_metric = at::tensor(metric_row(++i, kDiagonalMetric), at::kDouble);
      } else if (c == kDenseMetric) {
        std::vector<double> entries = metric_row(++i, kDenseMetric);
        const auto n = static_cast<int64_t>(entries.size());
        for (int64_t row = 1; row < n; ++row) {
          const std::vector<double> next = metric_row(++i, kDenseMetric);
          if (static_cast<int64_t>(next.size()) != n) {
            raise(at_line(comment_lines_[i]) + "row " + std::to_string(row + 1) + " of the inverse mass matrix has " +
                  std::to_string(next.size()) + " values, the first row " + std::to_string(n));
          }
          entries.insert(entries.end(), next.begin(), next.end());
        }
        result_.inverse_metric = at::tensor(entries, at::kDouble).reshape({n, n});
      }
    }
  }

  std::string path_;
  StanCsv result_;
  std::vector<int64_t> comment_lines_;  // the line number of each comment
  std::vector<double> values_;          // the draws, row after row
};

}  // namespace

int64_t StanCsv::column(std::string_view name) const {
  const auto it = std::find(column_names.begin(), column_names.end(), name);
  return it == column_names.end() ? -1 : static_cast<int64_t>(it - column_names.begin());
}

StanCsv read_stan_csv(const std::string& path) { return Reader(path).read(); }

}  // namespace kiln::rt
