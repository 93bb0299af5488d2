// Small helpers shared by the transform implementations in this folder
// (not used outside it).
#pragma once

#include <ATen/core/Tensor.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

// t summed over its n rightmost dims (n == 0: t itself).
at::Tensor sum_rightmost(const at::Tensor& t, int64_t n);

// `shape` broadcast with the shapes of a transform's parameters (an affine
// map with a loc of shape (3,) turns scalars into vectors of 3), for
// forward_shape and inverse_shape. Raises KilnError naming `transform` if
// they do not broadcast.
std::vector<int64_t> broadcast_with_params(const std::string& transform,
                                           const std::vector<int64_t>& shape,
                                           std::initializer_list<at::Tensor> params);

// A parameter inside a transform's name, as distributions print theirs:
// "2.0" for one element, "shape (3,)" otherwise.
std::string param_text(const at::Tensor& t);

// The smallest positive normal number and the machine epsilon of a floating
// dtype, for keeping sigmoid-like outputs strictly inside (0, 1).
struct FloatLimits {
  double tiny;
  double eps;
};
FloatLimits float_limits(c10::ScalarType dtype);

// Makes `v` immortal and returns it: for the singletons (parameter-free
// transforms, their constraints) that every thread shares.
Value immortal_value(Value v);

}  // namespace kiln::rt
