#include "runtime/tensor_value.h"

#include <ATen/ATen.h>

#include <optional>
#include <vector>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

std::string TensorObject::to_string() const { return print_tensor(tensor); }

Value TensorObject::get_attr(std::string_view name) const {
  return tensor_get_attr(Value(const_cast<TensorObject*>(this)), name);
}

Value TensorObject::call_method(std::string_view name, const CallArgs& args) {
  return tensor_call_method(Value(this), name, args);
}

Value number_to_tensor(const Value& v) { return make_tensor(to_tensor(v, "tensor")); }

namespace {

const std::vector<Value>* sequence_items(const Value& v) {
  if (v.is(ObjKind::kList)) return &v.as<ListObject>()->items;
  if (v.is(ObjKind::kTuple)) return &v.as<TupleObject>()->items;
  return nullptr;
}

[[noreturn]] void raise_not_convertible(const Value& v, std::string_view what) {
  raise(std::string(what) + ": expected a number, a tensor or a (nested) list of them, got " +
        type_name(v));
}

[[noreturn]] void raise_ragged(std::string_view what, size_t depth, int64_t expected, int64_t got) {
  raise(std::string(what) + ": ragged nested list: expected a sequence of length " +
        std::to_string(expected) + " at depth " + std::to_string(depth) + ", got " +
        std::to_string(got));
}

// Nested lists of plain numbers: the common case (data literals), converted
// without a tensor per element. Returns false if a tensor leaf was met.
struct NumberNest {
  std::vector<int64_t> shape;
  std::vector<const Value*> leaves;
  bool any_float = false;
  bool any_int = false;
};

bool collect_numbers(const Value& v, size_t depth, NumberNest& out, std::string_view what) {
  const std::vector<Value>* items = sequence_items(v);
  if (items == nullptr) {
    if (depth != out.shape.size()) {
      if (is_tensor(v)) return false;
      raise_ragged(what, depth, out.shape[depth], 0);
    }
    if (v.is_float())
      out.any_float = true;
    else if (v.is_int())
      out.any_int = true;
    else if (!v.is_bool()) {
      if (is_tensor(v)) return false;
      raise_not_convertible(v, what);
    }
    out.leaves.push_back(&v);
    return true;
  }
  if (depth == out.shape.size()) {
    if (!out.leaves.empty()) raise_ragged(what, depth, 0, static_cast<int64_t>(items->size()));
    out.shape.push_back(static_cast<int64_t>(items->size()));
  } else if (depth > out.shape.size() || out.shape[depth] != static_cast<int64_t>(items->size())) {
    raise_ragged(what, depth, depth < out.shape.size() ? out.shape[depth] : 0,
                 static_cast<int64_t>(items->size()));
  }
  for (const Value& item : *items)
    if (!collect_numbers(item, depth + 1, out, what)) return false;
  return true;
}

// `floating`: the floating dtype asked for, read in float64 first (nullopt:
// torch.tensor's inference).
at::Tensor tensor_from_numbers(const NumberNest& nest, std::optional<at::ScalarType> floating = std::nullopt) {
  const at::ScalarType dtype = floating ? at::kDouble
                               : nest.any_float ? kDefaultFloat
                               : nest.any_int   ? at::kLong
                                                : at::kBool;
  at::Tensor t = at::empty(nest.shape, at::TensorOptions().dtype(dtype));
  if (dtype == at::kDouble) {
    double* p = t.data_ptr<double>();
    for (const Value* v : nest.leaves) *p++ = v->to_double();
    if (*floating != at::kDouble) t = t.to(*floating);
  } else if (dtype == kDefaultFloat) {
    float* p = t.data_ptr<float>();
    for (const Value* v : nest.leaves) *p++ = static_cast<float>(v->to_double());
  } else if (dtype == at::kLong) {
    int64_t* p = t.data_ptr<int64_t>();
    for (const Value* v : nest.leaves) *p++ = v->as_int();
  } else {
    bool* p = t.data_ptr<bool>();
    for (const Value* v : nest.leaves) *p++ = v->as_bool();
  }
  return t;
}

at::Tensor stack_elements(const std::vector<Value>& items, std::string_view what) {
  std::vector<at::Tensor> parts;
  parts.reserve(items.size());
  for (const Value& item : items) parts.push_back(to_tensor(item, what));
  for (size_t i = 1; i < parts.size(); ++i)
    if (parts[i].sizes() != parts[0].sizes())
      raise(std::string(what) + ": cannot stack elements of shapes " +
            shape_to_string(parts[0].sizes().vec()) + " and " +
            shape_to_string(parts[i].sizes().vec()));
  at::ScalarType dtype = parts[0].scalar_type();
  for (const at::Tensor& p : parts) dtype = at::promote_types(dtype, p.scalar_type());
  for (at::Tensor& p : parts) p = p.to(dtype);
  return at::stack(parts);
}

}  // namespace

at::Tensor to_tensor(const Value& v, std::string_view what) {
  switch (v.tag()) {
    case Tag::kFloat:
      return at::scalar_tensor(v.as_float(), at::TensorOptions().dtype(kDefaultFloat));
    case Tag::kInt:
      return at::scalar_tensor(v.as_int(), at::TensorOptions().dtype(at::kLong));
    case Tag::kBool:
      return at::scalar_tensor(v.as_bool(), at::TensorOptions().dtype(at::kBool));
    default:
      break;
  }
  if (is_tensor(v)) return tensor_of(v);
  const std::vector<Value>* items = sequence_items(v);
  if (items == nullptr) raise_not_convertible(v, what);
  if (items->empty()) return at::empty({0}, at::TensorOptions().dtype(kDefaultFloat));
  NumberNest nest;
  if (collect_numbers(v, 0, nest, what)) return tensor_from_numbers(nest);
  return torch_guard(what, [&] { return stack_elements(*items, what); });
}

at::Tensor to_tensor(const Value& v, std::string_view what, at::ScalarType dtype) {
  if (at::isFloatingType(dtype)) {
    if (v.is_float() || v.is_int()) return at::scalar_tensor(v.to_double(), at::TensorOptions().dtype(dtype));
    const std::vector<Value>* items = is_tensor(v) ? nullptr : sequence_items(v);
    NumberNest nest;
    if (items != nullptr && !items->empty() && collect_numbers(v, 0, nest, what))
      return tensor_from_numbers(nest, dtype);
  }
  const at::Tensor t = to_tensor(v, what);
  return t.scalar_type() == dtype ? t : t.to(dtype);
}

}  // namespace kiln::rt
