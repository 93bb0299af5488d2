// A data file for a model's arguments (`kiln render|svi|nuts --data FILE`):
// named fields, each becoming the argument of the same name.
//
// JSON (.json): one object; each member converts as
//   3 -> int            2.5 -> float          "x" -> str      true -> bool
//   null -> None        {...} -> dict         [1, 2, 3] -> int64 tensor (3,)
//   [1.5, 2] -> float32 tensor (any non-integer makes the whole array float)
//   [[1, 2], [3, 4]] -> tensor (2, 2)         (nested arrays of equal shape)
//   ["a", 1], [[1], [2, 3]] -> list of the converted elements
// CSV (.csv): a header row of field names, then one row per observation,
// read as read_csv() reads it (stdlib/io/csv.h): each column becomes a
// float32 tensor of shape (rows,) when every cell is a number or missing
// (empty, "NA" or "nan": nan), else a list of its cells as str. Quoted cells
// ("a, b", "say ""hi""") follow RFC 4180.
//
// Failure: UsageError naming the file (and line or field) for an unknown
// extension, an unreadable or malformed file, a duplicate field name, a
// CSV row with the wrong number of cells.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

class ModelData {
 public:
  void add(std::string name, Value value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // The field `name`, or null.
  const Value* find(const std::string& name) const;
  // Field names in file order.
  std::vector<std::string> names() const;
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, Value>> fields_;
};

// Reads `path`, whose extension (.json or .csv, any case) picks the format.
ModelData read_model_data(const std::string& path);

// The two formats, from text already read; `path` names the file in errors.
ModelData parse_json_data(const std::string& text, const std::string& path);
ModelData parse_csv_data(const std::string& text, const std::string& path);

}  // namespace kiln::rt
