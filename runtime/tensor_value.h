// Tensors as runtime values: a TensorObject (ObjKind::kTensor) holds one
// at::Tensor handle. Values share the tensor as Python variables share a
// torch.Tensor: in-place updates (x[0] = 1.0) are seen through every alias.
// Operations on tensor values live in stdlib/tensor/ (tensor_hooks.h).
//
// Only LibTorch's Tensor class is included here, not the operator library,
// so headers that merely pass tensors around stay cheap.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <string_view>

#include "runtime/value.h"

namespace kiln::rt {

// Python floats become this dtype, as in PyTorch (torch.get_default_dtype()).
inline constexpr c10::ScalarType kDefaultFloat = c10::ScalarType::Float;

struct TensorObject final : Object {
  at::Tensor tensor;
  explicit TensorObject(at::Tensor t) : Object(ObjKind::kTensor), tensor(std::move(t)) {}
  std::string type_name() const override { return "tensor"; }
  std::string to_string() const override;  // PyTorch's repr, compact: tensor([1., 2.])
  Value get_attr(std::string_view name) const override;
  Value call_method(std::string_view name, const CallArgs& args) override;
};

inline Value make_tensor(at::Tensor t) { return make_value(new TensorObject(std::move(t))); }
inline bool is_tensor(const Value& v) { return v.is(ObjKind::kTensor); }
// `v` must be a tensor value.
inline const at::Tensor& tensor_of(const Value& v) { return v.as<TensorObject>()->tensor; }

// Converts a tensor (returned as is), a number (bool -> bool, int -> int64,
// float -> float32, 0-dim) or nested lists/tuples of numbers and tensors
// (stacked; dtypes promoted as torch.tensor and torch.stack do; gradients
// flow through tensor elements). Raises KilnError naming `what` otherwise,
// or for ragged nesting.
at::Tensor to_tensor(const Value& v, std::string_view what);
// The same converted to `dtype` (torch.tensor(data, dtype=...)): numbers
// meeting a floating dtype are read at full precision first, so
// tensor([0.1], dtype=float64) holds the double 0.1, not float32's 0.1.
at::Tensor to_tensor(const Value& v, std::string_view what, at::ScalarType dtype);

// PyTorch's repr, compact (fewest decimals, up to 4, that show every element):
// tensor(1.5), tensor([1., 2., 3.]), tensor([0.3333, 1.0000], dtype=float64),
// tensor(2., grad_fn=<MulBackward0>). Long tensors are summarized with "...".
std::string print_tensor(const at::Tensor& t);

}  // namespace kiln::rt
