// The one CSV reader of Kiln: RFC 4180 text to a table of cells, and a column
// of cells to a .ppl value. Used by the builtin read_csv (stdlib/io/read_csv.cpp)
// and by the .csv data files of `kiln render --data` (runtime/drivers/csv_data.cpp),
// so both read a file the same way.
//
//   CsvTable table = parse_csv_table(text);             // throws CsvFormatError
//   std::optional<size_t> c = table.column("rugged");
//   Value rugged = csv_column_value(table, *c);         // float32 tensor or list of str
//
// The format: cells are separated by commas and rows by LF or CRLF. A cell
// whose first non-blank character is a quote runs to the closing quote; the
// commas, line breaks and doubled quotes ("") inside it are text, and only
// blanks may follow it. Unquoted cells lose their surrounding spaces and tabs.
// Blank lines are skipped and a UTF-8 byte order mark is ignored. The first
// row is the header: each column needs a name, no name may repeat, and every
// data row must have as many cells as the header.
//
// Failure: CsvFormatError, which says where (line, and cell when the problem
// is one cell) and what, but not which file: each caller names the file in
// its own kind of error (a UsageError for a data file given on the command
// line, a runtime error for read_csv).
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

struct CsvRow {
  size_t line = 0;  // 1-based line where the row starts (a quoted cell may span lines)
  std::vector<std::string> cells;
};

struct CsvTable {
  CsvRow header;              // no cells when the text has no row at all
  std::vector<CsvRow> rows;   // the data rows, each with header.cells.size() cells

  bool empty() const { return header.cells.empty(); }
  // The index of the column named `name`, if there is one.
  std::optional<size_t> column(std::string_view name) const;
};

class CsvFormatError : public std::runtime_error {
 public:
  CsvFormatError(size_t line, size_t cell, const std::string& message, std::string hint = "")
      : std::runtime_error(message), line(line), cell(cell), hint(std::move(hint)) {}
  // ", line 3" or ", line 3, column 2", to follow the file's name in a message.
  std::string location() const;

  size_t line;       // 1-based
  size_t cell;       // 1-based column of the offending cell; 0 when the row as a whole is wrong
  std::string hint;  // empty, or advice on fixing the file
};

// Splits `text` into the header and the data rows, checking the rules above.
// Text that holds no row gives an empty table (callers decide whether that
// is an error).
CsvTable parse_csv_table(std::string_view text);

// The value of a cell: a number in decimal or scientific notation (an optional
// sign, "inf" and "nan" included), or a missing value, which is nan: an empty
// cell or "NA". Returns false if the cell is text.
bool parse_csv_number(std::string_view cell, double& out);

// Column `column` of the data rows: a float32 tensor of shape (rows,) when
// parse_csv_number accepts every cell, else a list of the cells as str.
Value csv_column_value(const CsvTable& table, size_t column);

}  // namespace kiln::rt
