// The builtin read_csv: a CSV file as a dict of columns, the part of pandas'
// read_csv that models need.
//   data = read_csv("rugged.csv")                            # every column
//   data = read_csv("rugged.csv", columns=["rugged", "cont_africa"])
//   data["rugged"]     # float32 tensor (rows,); empty and "NA" cells are nan
//   data["country"]    # list of str: a column that is not all numbers
// The format and the column types are stdlib/io/csv.h's, shared with
// `kiln render --data`. A relative path is read from the current directory.
// Every problem is a runtime error naming the file, with the line and column
// for a malformed file and the resolved path for a missing one:
//   read_csv(): 'x.csv', line 4: the row has 2 cells but the header has 3
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_set>

#include "frontend/diagnostics.h"
#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "stdlib/arg_checks.h"
#include "stdlib/io/csv.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kWho = "read_csv";

std::string quoted_file(const std::string& path) { return "read_csv(): '" + path + "'"; }

// Where the file was looked for, so a user can tell which directory a
// relative path was taken from.
std::string resolved_path(const std::string& path) {
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return error ? path : absolute.lexically_normal().string();
}

std::string relative_path_hint(const std::string& path) {
  if (std::filesystem::path(path).is_absolute()) return "";
  std::error_code error;
  const std::filesystem::path here = std::filesystem::current_path(error);
  if (error) return "a relative path is read from the current directory";
  return "a relative path is read from the current directory, " + here.string();
}

std::string read_text(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    raise(quoted_file(path) + " is a directory, not a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason = std::error_code(errno, std::generic_category()).message();
    const std::string looked_at = resolved_path(path);
    raise("read_csv(): cannot open '" + path + "'" +
              (looked_at == path ? "" : " (looked for " + looked_at + ")") + ": " + reason,
          relative_path_hint(path));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) raise("read_csv(): cannot read '" + path + "'");
  return std::move(buffer).str();
}

CsvTable read_table(const std::string& path) {
  const std::string text = read_text(path);
  CsvTable table;
  try {
    table = parse_csv_table(text);
  } catch (const CsvFormatError& e) {
    raise(quoted_file(path) + e.location() + ": " + e.what(), e.hint);
  }
  if (table.empty()) raise(quoted_file(path) + " is empty", "a CSV file starts with a header row of column names");
  return table;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The names of columns=, checked before the file is read; nullopt for every column.
std::optional<std::vector<std::string>> requested_columns(const CallArgs& args) {
  const Value* requested = optional_arg(args, 1, "columns");
  if (requested == nullptr) return std::nullopt;
  if (!requested->is(ObjKind::kList) && !requested->is(ObjKind::kTuple))
    raise_arg_type(kWho, "columns", "a list of column names", *requested);
  const std::vector<Value>& items = requested->is(ObjKind::kList) ? requested->as<ListObject>()->items
                                                                  : requested->as<TupleObject>()->items;
  std::vector<std::string> names;
  std::unordered_set<std::string> seen;
  for (const Value& item : items) {
    const std::string& name = str_arg(item, kWho, "columns");
    if (!seen.insert(name).second) raise_arg_error(kWho, "columns names '" + name + "' twice");
    names.push_back(name);
  }
  return names;
}

// The columns to return, as indexes into the header, in the order asked.
std::vector<size_t> column_indexes(const std::optional<std::vector<std::string>>& requested,
                                   const CsvTable& table, const std::string& path) {
  std::vector<size_t> indexes;
  if (!requested) {
    for (size_t c = 0; c < table.header.cells.size(); ++c) indexes.push_back(c);
    return indexes;
  }
  for (const std::string& name : *requested) {
    const std::optional<size_t> index = table.column(name);
    if (!index) {
      const std::string suggestion = closest_name(name, table.header.cells);
      raise(quoted_file(path) + " has no column '" + name + "'",
            (suggestion.empty() ? "" : "did you mean '" + suggestion + "'? ") + "its columns: " +
                joined(table.header.cells));
    }
    indexes.push_back(*index);
  }
  return indexes;
}

Value builtin_read_csv(const CallArgs& args) {
  check_args(args, 1, 2, "columns");
  const std::string& path = str_arg(required_arg(args, 0, "path"), kWho, "path");
  if (path.empty()) raise_arg_error(kWho, "path must not be empty");
  const std::optional<std::vector<std::string>> requested = requested_columns(args);
  const CsvTable table = read_table(path);
  Value columns = make_dict();
  for (size_t c : column_indexes(requested, table, path))
    columns.as<DictObject>()->set(make_str(table.header.cells[c]), csv_column_value(table, c));
  return columns;
}

}  // namespace

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_read_csv, &guarded<&builtin_read_csv>); }

}  // namespace kiln::rt
