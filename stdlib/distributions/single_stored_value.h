// The one value of a CPU float or double tensor whose elements all share
// one storage element: a one-element tensor, or a scalar expanded to a
// batch shape (as Normal(zeros(n), 1.0) holds its scale). Read without a
// LibTorch call: validation checks such parameters and values this way, and
// the fused densities turn a scalar parameter's divisions and logs into
// host arithmetic. nullopt for anything else.
#pragma once

#include <ATen/ExpandUtils.h>
#include <ATen/core/Tensor.h>

#include <optional>

namespace kiln::rt {

inline std::optional<double> single_stored_value(const at::Tensor& t) {
  if (!t.defined() || !t.device().is_cpu() || t.numel() == 0) return std::nullopt;
  if (t.numel() > 1)
    for (const int64_t stride : t.strides())
      if (stride != 0) return std::nullopt;
  if (t.scalar_type() == at::kDouble) return *t.data_ptr<double>();
  if (t.scalar_type() == at::kFloat) return static_cast<double>(*t.data_ptr<float>());
  return std::nullopt;
}

// single_stored_value(param) when combining `r` with that one number leaves
// r's shape and dtype as combining it with the tensor would: the param must
// not widen r's shape, nor its dtype (LibTorch's promotion: a 0-dim operand
// does not widen a dimensioned one of its category).
inline std::optional<double> scalar_operand(const at::Tensor& r, const at::Tensor& param) {
  const std::optional<double> v = single_stored_value(param);
  if (!v) return std::nullopt;
  const at::ScalarType promoted = param.dim() == 0 && r.dim() > 0
                                      ? r.scalar_type()
                                      : c10::promoteTypes(r.scalar_type(), param.scalar_type());
  if (promoted != r.scalar_type() || r.sizes() != at::IntArrayRef(at::infer_size(r.sizes(), param.sizes())))
    return std::nullopt;
  return v;
}

}  // namespace kiln::rt
