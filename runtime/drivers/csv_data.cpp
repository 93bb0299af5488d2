// The CSV format of model_data.h, read by the shared CSV reader
// (stdlib/io/csv.h): numeric columns become float32 tensors, others lists of
// str. Problems in the file are UsageErrors naming it.
#include "runtime/drivers/driver.h"
#include "runtime/drivers/model_data.h"
#include "stdlib/io/csv.h"

namespace kiln::rt {

ModelData parse_csv_data(const std::string& text, const std::string& path) {
  CsvTable table;
  try {
    table = parse_csv_table(text);
  } catch (const CsvFormatError& e) {
    throw UsageError("data file '" + path + "'" + e.location() + ": " + e.what(), e.hint);
  }
  if (table.empty())
    throw UsageError("data file '" + path + "' is empty",
                     "a CSV data file starts with a header row of field names");
  ModelData data;
  for (size_t c = 0; c < table.header.cells.size(); ++c)
    data.add(table.header.cells[c], csv_column_value(table, c));
  return data;
}

}  // namespace kiln::rt
