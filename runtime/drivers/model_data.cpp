// ModelData, the file dispatch, and the JSON format (the CSV one is in
// csv_data.cpp).
#include "runtime/drivers/model_data.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "frontend/source.h"
#include "runtime/drivers/driver.h"
#include "runtime/file_extension.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"

namespace kiln::rt {

namespace {

// ordered_json keeps the members in file order (nlohmann::json sorts them).
using json = nlohmann::ordered_json;

[[noreturn]] void bad_data(const std::string& path, const std::string& message,
                           const std::string& hint = "") {
  throw UsageError("data file '" + path + "': " + message, hint);
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string json_message(const json::exception& e) {
  std::string message = e.what();
  if (message.rfind("[json.exception.", 0) == 0) {
    const size_t close = message.find("] ");
    if (close != std::string::npos) message.erase(0, close + 2);
  }
  return message;
}

bool fits_int64(const json& j) {
  return j.is_number_integer() &&
         (!j.is_number_unsigned() ||
          j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

// True if j is an array nested `shape.size()` deep with those sizes and a
// number at every leaf.
bool has_numeric_shape(const json& j, const std::vector<int64_t>& shape, size_t depth) {
  if (depth == shape.size()) return j.is_number();
  if (!j.is_array() || static_cast<int64_t>(j.size()) != shape[depth]) return false;
  return std::all_of(j.begin(), j.end(),
                     [&](const json& e) { return has_numeric_shape(e, shape, depth + 1); });
}

// The shape of j as a tensor, if it is a rectangular nested array of
// numbers: read along the first elements, then checked everywhere.
std::optional<std::vector<int64_t>> numeric_array_shape(const json& j) {
  std::vector<int64_t> shape;
  const json* inner = &j;
  while (inner->is_array()) {
    shape.push_back(static_cast<int64_t>(inner->size()));
    if (inner->empty()) break;
    inner = &(*inner)[0];
  }
  if (!has_numeric_shape(j, shape, 0)) return std::nullopt;
  return shape;
}

void collect_leaves(const json& j, std::vector<const json*>& leaves) {
  if (!j.is_array()) {
    leaves.push_back(&j);
    return;
  }
  for (const json& e : j) collect_leaves(e, leaves);
}

// int64 when every number is a JSON integer, else float32 (an empty array
// is float32, the default for data).
at::Tensor numeric_tensor(const json& j, const std::vector<int64_t>& shape) {
  std::vector<const json*> leaves;
  collect_leaves(j, leaves);
  const bool integral = !leaves.empty() && std::all_of(leaves.begin(), leaves.end(),
                                                       [](const json* e) { return fits_int64(*e); });
  if (integral) {
    std::vector<int64_t> values;
    values.reserve(leaves.size());
    for (const json* e : leaves) values.push_back(e->get<int64_t>());
    return at::tensor(values, at::kLong).reshape(shape);
  }
  std::vector<double> values;
  values.reserve(leaves.size());
  for (const json* e : leaves) values.push_back(e->get<double>());
  return at::tensor(values, at::kDouble).to(at::kFloat).reshape(shape);
}

Value json_value(const json& j, const std::string& path, const std::string& where) {
  switch (j.type()) {
    case json::value_t::null:
      return Value();
    case json::value_t::boolean:
      return Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      if (!fits_int64(j))
        bad_data(path, where + " is too large for an int (64 bits)", "write it as a float: 1e20");
      return Value(j.get<int64_t>());
    case json::value_t::number_float:
      return Value(j.get<double>());
    case json::value_t::string:
      return make_str(j.get<std::string>());
    case json::value_t::object: {
      Value dict = make_dict();
      for (const auto& [key, member] : j.items())
        dict.as<DictObject>()->set(make_str(key), json_value(member, path, where + "[\"" + key + "\"]"));
      return dict;
    }
    case json::value_t::array: {
      if (const auto shape = numeric_array_shape(j)) return make_tensor(numeric_tensor(j, *shape));
      std::vector<Value> items;
      for (size_t i = 0; i < j.size(); ++i)
        items.push_back(json_value(j[i], path, where + "[" + std::to_string(i) + "]"));
      return make_list(std::move(items));
    }
    default:
      bad_data(path, where + " has a value JSON data cannot hold here (binary)");
  }
}

}  // namespace

const Value* ModelData::find(const std::string& name) const {
  for (const auto& [field, value] : fields_)
    if (field == name) return &value;
  return nullptr;
}

std::vector<std::string> ModelData::names() const {
  std::vector<std::string> names;
  for (const auto& field : fields_) names.push_back(field.first);
  return names;
}

ModelData parse_json_data(const std::string& text, const std::string& path) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::exception& e) {
    bad_data(path, "not valid JSON: " + json_message(e));
  }
  if (!parsed.is_object())
    bad_data(path, "expected a JSON object of argument name -> value, got " + std::string(parsed.type_name()),
             "for example {\"x\": [1.0, 2.5], \"n\": 2}");
  ModelData data;
  for (const auto& [name, value] : parsed.items())
    data.add(name, json_value(value, path, "field '" + name + "'"));
  return data;
}

ModelData read_model_data(const std::string& path) {
  const std::string extension = lowercase_extension(path);
  if (extension != "json" && extension != "csv")
    bad_data(path,
             "cannot tell its format from " + (extension.empty() ? std::string("a name without extension")
                                                                 : "the extension ." + extension),
             "data files are .json (an object of name -> value) or .csv (a header row of names)");
  std::string text, error;
  if (!read_file(path, text, error)) throw UsageError(error);
  return extension == "json" ? parse_json_data(text, path) : parse_csv_data(text, path);
}

}  // namespace kiln::rt
