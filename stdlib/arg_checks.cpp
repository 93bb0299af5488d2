#include "stdlib/arg_checks.h"

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

// "sum()" for a function or method name; other callees ("plate 'data'")
// are shown as they are.
std::string call_name(std::string_view callee) {
  if (callee.empty()) return "call";
  const bool is_name = callee.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
                       std::string_view::npos;
  return is_name ? std::string(callee) + "()" : std::string(callee);
}

bool keyword_listed(std::string_view keywords, std::string_view name) {
  while (!keywords.empty()) {
    const size_t comma = keywords.find(',');
    if (keywords.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    keywords.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

void raise_arg_type(std::string_view callee, std::string_view arg, std::string_view expected,
                    const Value& got) {
  raise(call_name(callee) + ": argument '" + std::string(arg) + "' must be " +
        std::string(expected) + ", got " + type_name(got));
}

void raise_arg_error(std::string_view callee, std::string_view message) {
  raise(call_name(callee) + ": " + std::string(message));
}

void raise_missing_arg(std::string_view callee, std::string_view arg) {
  raise(call_name(callee) + " missing required argument '" + std::string(arg) + "'");
}

void check_args(const CallArgs& args, size_t min, int max, std::string_view keywords) {
  if (args.npos < min || (max >= 0 && args.npos > static_cast<size_t>(max))) {
    std::string expected = std::to_string(min);
    if (max < 0)
      expected = "at least " + expected;
    else if (static_cast<size_t>(max) != min)
      expected += " to " + std::to_string(max);
    raise(call_name(args.callee) + " takes " + expected + " positional argument" +
          (min == 1 && max == 1 ? "" : "s") + " but " + std::to_string(args.npos) +
          (args.npos == 1 ? " was" : " were") + " given");
  }
  for (size_t i = 0; i < args.nkw; ++i)
    if (!keyword_listed(keywords, args.kw_names[i]))
      raise(call_name(args.callee) + " got an unexpected keyword argument '" + args.kw_names[i] +
            "'");
}

const Value& required_arg(const CallArgs& args, size_t i, std::string_view name) {
  const Value* v = args.get(i, name);
  if (v == nullptr) raise_missing_arg(args.callee, name);
  return *v;
}

const Value* optional_arg(const CallArgs& args, size_t i, std::string_view name) {
  const Value* v = args.get(i, name);
  return v == nullptr || v->is_none() ? nullptr : v;
}

int64_t int_arg(const Value& v, std::string_view callee, std::string_view arg) {
  if (v.is_int() || v.is_bool()) return v.as_int();
  if (is_tensor(v)) {
    const at::Tensor& t = tensor_of(v);
    if (t.numel() == 1 && !at::isFloatingType(t.scalar_type())) return t.item<int64_t>();
  }
  raise_arg_type(callee, arg, "an int", v);
}

double float_arg(const Value& v, std::string_view callee, std::string_view arg) {
  if (v.is_number()) return v.to_double();
  if (is_tensor(v) && tensor_of(v).numel() == 1) return tensor_of(v).item<double>();
  raise_arg_type(callee, arg, "a number", v);
}

bool bool_arg(const Value& v, std::string_view callee, std::string_view arg) {
  if (v.is_bool() || v.is_int()) return v.as_int() != 0;
  raise_arg_type(callee, arg, "a bool", v);
}

const std::string& str_arg(const Value& v, std::string_view callee, std::string_view arg) {
  if (!is_str(v)) raise_arg_type(callee, arg, "a str", v);
  return str_of(v);
}

std::vector<int64_t> int_list_arg(const Value& v, std::string_view callee, std::string_view arg) {
  if (v.is_int() || v.is_bool()) return {v.as_int()};
  const std::vector<Value>* items = nullptr;
  if (v.is(ObjKind::kTuple)) items = &v.as<TupleObject>()->items;
  if (v.is(ObjKind::kList)) items = &v.as<ListObject>()->items;
  if (items == nullptr) raise_arg_type(callee, arg, "an int or a tuple of ints", v);
  std::vector<int64_t> out;
  out.reserve(items->size());
  for (const Value& item : *items) {
    if (!item.is_int() && !item.is_bool()) raise_arg_type(callee, arg, "a tuple of ints", item);
    out.push_back(item.as_int());
  }
  return out;
}

bool bool_kw(const CallArgs& args, std::string_view name, bool default_value) {
  const Value* v = args.kw(name);
  return v == nullptr || v->is_none() ? default_value : bool_arg(*v, args.callee, name);
}

std::vector<int64_t> shape_args(const CallArgs& args, size_t first, std::string_view callee) {
  std::vector<int64_t> shape;
  if (args.npos == first + 1 &&
      (args[first].is(ObjKind::kTuple) || args[first].is(ObjKind::kList))) {
    shape = int_list_arg(args[first], callee, "size");
  } else {
    for (size_t i = first; i < args.npos; ++i) shape.push_back(int_arg(args[i], callee, "size"));
  }
  for (int64_t d : shape)
    if (d < 0)
      raise_arg_error(callee, "sizes must be non-negative, got shape " + shape_to_string(shape));
  return shape;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace kiln::rt
