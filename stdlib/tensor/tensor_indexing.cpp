// Indexing tensors as PyTorch does: ints, slices, None (new axis), Ellipsis,
// bool/int tensors and lists of ints (advanced indexing), and tuples of them.
#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

using at::indexing::TensorIndex;

// The interpreter's Ellipsis constant: a native object whose type is
// "ellipsis", as Python names it, or the string "..." (which LibTorch's C++
// indexing also reads as Ellipsis).
bool is_ellipsis(const Value& v) {
  if (is_str(v)) return str_of(v) == "...";
  return v.is(ObjKind::kNative) && v.obj()->type_name() == "ellipsis";
}

c10::optional<int64_t> slice_bound(const Value& v) {
  if (v.is_none()) return c10::nullopt;
  return int_arg(v, "slice", "bound");
}

TensorIndex index_of(const Value& key) {
  if (key.is_int()) return TensorIndex(key.as_int());
  if (key.is_bool()) return TensorIndex(key.as_bool());
  if (key.is_none()) return TensorIndex(at::indexing::None);
  if (is_ellipsis(key)) return TensorIndex(at::indexing::Ellipsis);
  if (key.is(ObjKind::kSlice)) {
    const auto* s = key.as<SliceObject>();
    if (!s->step.is_none() && int_arg(s->step, "slice", "step") <= 0)
      raise("tensor slices need a positive step", "reverse with .flip(dim) instead");
    return TensorIndex(
        at::indexing::Slice(slice_bound(s->lower), slice_bound(s->upper), slice_bound(s->step)));
  }
  if (is_tensor(key)) {
    const at::Tensor& t = tensor_of(key);
    if (at::isFloatingType(t.scalar_type()))
      raise("tensors used as indices must be int or bool tensors, got a " +
                std::string(c10::toString(t.scalar_type())) + " tensor",
            "convert with .long()");
    return TensorIndex(t);
  }
  if (key.is(ObjKind::kList)) return TensorIndex(to_tensor(key, "index"));
  raise(
      "tensor indices must be ints, slices, None, Ellipsis, int/bool tensors or lists of "
      "ints, got " +
      type_name(key));
}

std::vector<TensorIndex> indices_of(const Value& key) {
  std::vector<TensorIndex> out;
  if (key.is(ObjKind::kTuple)) {
    for (const Value& k : key.as<TupleObject>()->items) out.push_back(index_of(k));
  } else {
    out.push_back(index_of(key));
  }
  return out;
}

}  // namespace

Value tensor_get_item(const Value& t, const Value& key) {
  const at::Tensor& x = tensor_of(t);
  // The common case x[i] on a vector or matrix, without building index lists.
  if (key.is_int() && x.dim() > 0) {
    const int64_t n = x.size(0);
    const int64_t i = key.as_int();
    if (i < -n || i >= n)
      raise("index " + std::to_string(i) + " is out of bounds for dim 0 with size " +
            std::to_string(n));
    return make_tensor(x.select(0, i < 0 ? i + n : i));
  }
  std::vector<TensorIndex> idx = indices_of(key);
  return torch_guard("indexing", [&] { return make_tensor(x.index(idx)); });
}

void tensor_set_item(const Value& t, const Value& key, const Value& value) {
  at::Tensor x = tensor_of(t);
  std::vector<TensorIndex> idx = indices_of(key);
  torch_guard("item assignment", [&] {
    if (value.is_number()) {
      const at::Scalar s = value.is_float() ? at::Scalar(value.as_float())
                           : value.is_int() ? at::Scalar(value.as_int())
                                            : at::Scalar(value.as_bool());
      x.index_put_(idx, s);
    } else {
      x.index_put_(idx, to_tensor(value, "item assignment"));
    }
  });
}

int64_t tensor_length(const Value& t) {
  const at::Tensor& x = tensor_of(t);
  if (x.dim() == 0) raise("len() of a 0-dim tensor", "use .item() to get its value");
  return x.size(0);
}

Value tensor_element(const Value& t, int64_t i) {
  const at::Tensor& x = tensor_of(t);
  if (x.dim() == 0) raise("iteration over a 0-dim tensor");
  return torch_guard("iteration", [&] { return make_tensor(x.select(0, i)); });
}

}  // namespace kiln::rt
