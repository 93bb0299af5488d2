// The CSV splitter, the header and row checks, and the column types of csv.h.
#include "stdlib/io/csv.h"

#include <ATen/ATen.h>

#include <charconv>
#include <limits>
#include <unordered_map>

#include "runtime/objects.h"
#include "runtime/tensor_value.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trimmed(std::string_view s) {
  size_t first = 0, last = s.size();
  while (first < last && is_blank(s[first])) ++first;
  while (last > first && is_blank(s[last - 1])) --last;
  return std::string(s.substr(first, last - first));
}

// Reads the text once, character by character, keeping the state of the
// cell being read; rows are cut at line breaks outside quotes.
class CsvSplitter {
 public:
  explicit CsvSplitter(std::string_view text) : text_(text) {}

  std::vector<CsvRow> rows() {
    size_t i = text_.substr(0, kByteOrderMark.size()) == kByteOrderMark ? kByteOrderMark.size() : 0;
    for (; i < text_.size(); ++i) {
      const char c = text_[i];
      if (in_quotes_) {
        read_quoted(c, i);
      } else if (c == ',') {
        end_cell();
      } else if (c == '\n' || (c == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n')) {
        if (c == '\r') ++i;
        end_row();
        ++line_;
        row_.line = line_;
      } else if (after_quote_) {
        if (!is_blank(c))
          throw CsvFormatError(line_, row_.cells.size() + 1, "text after the closing quote of a quoted cell",
                               "inside a quoted cell, write a quote as two quotes: \"say \"\"hi\"\"\"");
      } else if (c == '"' && trimmed(cell_).empty()) {
        cell_.clear();
        quoted_ = in_quotes_ = true;
        quote_line_ = line_;
      } else {
        cell_ += c;
      }
    }
    if (in_quotes_)
      throw CsvFormatError(quote_line_, row_.cells.size() + 1, "a quoted cell is not closed",
                           "the cell's closing quote is missing; a quote inside a quoted cell is written \"\"");
    if (!cell_.empty() || quoted_ || !row_.cells.empty()) end_row();
    return std::move(rows_);
  }

 private:
  void read_quoted(char c, size_t& i) {
    if (c != '"') {
      if (c == '\n') ++line_;
      cell_ += c;
    } else if (i + 1 < text_.size() && text_[i + 1] == '"') {
      cell_ += '"';
      ++i;
    } else {
      in_quotes_ = false;
      after_quote_ = true;
    }
  }

  void end_cell() {
    row_.cells.push_back(quoted_ ? std::move(cell_) : trimmed(cell_));
    cell_.clear();
    quoted_ = after_quote_ = false;
  }

  // A line of blanks is skipped; one holding only "" is a row of one empty cell.
  void end_row() {
    const bool blank = row_.cells.empty() && !quoted_ && trimmed(cell_).empty();
    end_cell();
    if (!blank) rows_.push_back(std::move(row_));
    row_ = CsvRow{};
  }

  std::string_view text_;
  std::vector<CsvRow> rows_;
  CsvRow row_{1, {}};
  std::string cell_;
  size_t line_ = 1;
  size_t quote_line_ = 1;     // where the open quoted cell started
  bool quoted_ = false;       // the current cell started with a quote
  bool in_quotes_ = false;    // between its quotes now
  bool after_quote_ = false;  // past its closing quote: only blanks may follow
};

void check_header(const CsvRow& header) {
  std::unordered_map<std::string, size_t> seen;  // name -> 1-based column
  for (size_t c = 0; c < header.cells.size(); ++c) {
    const std::string& name = header.cells[c];
    if (name.empty())
      throw CsvFormatError(header.line, c + 1, "the header gives this column no name",
                           "the first row names the columns: x,y,z");
    const auto [it, inserted] = seen.emplace(name, c + 1);
    if (!inserted)
      throw CsvFormatError(header.line, c + 1,
                           "the header names '" + name + "' twice (also column " +
                               std::to_string(it->second) + ")");
  }
}

void check_row_width(const CsvRow& row, size_t width) {
  const size_t count = row.cells.size();
  if (count == width) return;
  throw CsvFormatError(
      row.line, 0,
      "the row has " + std::to_string(count) + (count == 1 ? " cell" : " cells") + " but the header has " +
          std::to_string(width),
      count > width ? "a cell that holds a comma must be quoted: \"Korea, Rep.\""
                    : "every row needs a cell for each column; leave a missing value empty: 1,,3");
}

}  // namespace

std::string CsvFormatError::location() const {
  std::string where = ", line " + std::to_string(line);
  if (cell > 0) where += ", column " + std::to_string(cell);
  return where;
}

std::optional<size_t> CsvTable::column(std::string_view name) const {
  for (size_t c = 0; c < header.cells.size(); ++c)
    if (header.cells[c] == name) return c;
  return std::nullopt;
}

CsvTable parse_csv_table(std::string_view text) {
  std::vector<CsvRow> rows = CsvSplitter(text).rows();
  CsvTable table;
  if (rows.empty()) return table;
  table.header = std::move(rows.front());
  check_header(table.header);
  table.rows.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    check_row_width(rows[r], table.header.cells.size());
    table.rows.push_back(std::move(rows[r]));
  }
  return table;
}

bool parse_csv_number(std::string_view cell, double& out) {
  if (cell.empty() || cell == "NA") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // from_chars takes a leading '-' but not a '+'.
  if (cell.size() > 1 && cell[0] == '+' && cell[1] != '-') cell.remove_prefix(1);
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), out);
  return error == std::errc() && end == cell.data() + cell.size();
}

Value csv_column_value(const CsvTable& table, size_t column) {
  std::vector<double> numbers;
  numbers.reserve(table.rows.size());
  for (const CsvRow& row : table.rows) {
    double x = 0;
    if (!parse_csv_number(row.cells[column], x)) {
      std::vector<Value> strings;
      strings.reserve(table.rows.size());
      for (const CsvRow& r : table.rows) strings.push_back(make_str(r.cells[column]));
      return make_list(std::move(strings));
    }
    numbers.push_back(x);
  }
  // Parsed in double, so each cell rounds to float32 once.
  return make_tensor(at::tensor(numbers, at::kDouble).to(at::kFloat));
}

}  // namespace kiln::rt
