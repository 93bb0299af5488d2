// The CSV format of model_data.h: a header row, then one row per
// observation; numeric columns become float32 tensors, others lists of str.
#include <ATen/ATen.h>

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "runtime/drivers/driver.h"
#include "runtime/drivers/model_data.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"

namespace kiln::rt {

namespace {

struct CsvRow {
  size_t line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

[[noreturn]] void bad_csv(const std::string& path, size_t line, const std::string& message) {
  throw UsageError("data file '" + path + "', line " + std::to_string(line) + ": " + message);
}

std::string trimmed(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// RFC 4180 records: cells separated by commas, rows by LF or CRLF; a cell
// that starts with a quote runs to the closing quote (commas, line breaks
// and doubled quotes inside are text). Unquoted cells lose surrounding
// blanks. Blank lines are skipped.
std::vector<CsvRow> split_rows(const std::string& text, const std::string& path) {
  std::vector<CsvRow> rows;
  CsvRow row{1, {}};
  std::string cell;
  bool quoted = false;     // this cell started with a quote
  bool in_quotes = false;  // inside the quotes now
  size_t line = 1;
  size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a UTF-8 byte order mark
  auto end_cell = [&] {
    row.cells.push_back(quoted ? cell : trimmed(cell));
    cell.clear();
    quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    const bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{line, {}};
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"' && trimmed(cell).empty() && !quoted) {
      cell.clear();
      quoted = in_quotes = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      ++line;
      end_row();
    } else {
      cell += c;
    }
  }
  if (in_quotes) bad_csv(path, row.line, "a quoted cell is not closed");
  if (!cell.empty() || quoted || !row.cells.empty()) end_row();
  return rows;
}

// The cell as a number, if it is one ("nan" and "inf" count: missing values).
bool parse_number(const std::string& cell, double& out) {
  std::string_view text = cell;
  if (text.size() > 1 && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

Value column_value(const std::vector<CsvRow>& rows, size_t column) {
  std::vector<double> numbers;
  numbers.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    double x = 0;
    if (!parse_number(rows[r].cells[column], x)) {
      std::vector<Value> strings;
      for (size_t s = 1; s < rows.size(); ++s) strings.push_back(make_str(rows[s].cells[column]));
      return make_list(std::move(strings));
    }
    numbers.push_back(x);
  }
  return make_tensor(at::tensor(numbers, at::kDouble).to(at::kFloat));
}

}  // namespace

ModelData parse_csv_data(const std::string& text, const std::string& path) {
  const std::vector<CsvRow> rows = split_rows(text, path);
  if (rows.empty())
    throw UsageError("data file '" + path + "' is empty",
                     "a CSV data file starts with a header row of field names");
  const std::vector<std::string>& header = rows[0].cells;
  std::unordered_set<std::string> seen;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c].empty())
      bad_csv(path, rows[0].line, "column " + std::to_string(c + 1) + " of the header has no name");
    if (!seen.insert(header[c]).second)
      bad_csv(path, rows[0].line, "the header names '" + header[c] + "' twice");
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].cells.size() != header.size())
      bad_csv(path, rows[r].line,
              "the row has " + std::to_string(rows[r].cells.size()) +
                  (rows[r].cells.size() == 1 ? " cell" : " cells") + " but the header has " +
                  std::to_string(header.size()));
  }
  ModelData data;
  for (size_t c = 0; c < header.size(); ++c) data.add(header[c], column_value(rows, c));
  return data;
}

}  // namespace kiln::rt
