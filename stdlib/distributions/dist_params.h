// Turning a distribution's arguments into parameter tensors, and checking
// them. Shared by every distribution so conversions and wording agree:
//   Normal(): loc of shape (3,) and scale of shape (4,) cannot be broadcast together
//   Normal(): scale must be positive, got -1.0
//   Normal(): scale must be positive, but scale[1] = -1.0
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

struct ParamArg {
  std::string_view name;  // "loc"
  const Value* value;     // a number, tensor or nested list of numbers
};

// The arguments as tensors of one floating dtype (the promoted dtype of the
// floating tensors among them, else float32), broadcast to a common shape.
// Raises KilnError naming `dist` and the argument for non-numeric values
// and for shapes that do not broadcast.
std::vector<at::Tensor> broadcast_params(std::string_view dist, const std::vector<ParamArg>& args);

// Raises "<dist>(): <param> must be <requirement>, got <value>" unless `ok`
// (a bool tensor shaped like `value`) holds everywhere.
void check_param(std::string_view dist, std::string_view param, const at::Tensor& value,
                 const at::Tensor& ok, std::string_view requirement);

// check_param for the two commonest requirements, "a real number (not nan)"
// and "positive". A scalar parameter (most parameters of most models) is
// read directly (single_stored_value.h), without the two LibTorch operations
// of comparing and reducing: validation runs on every distribution of every
// step.
void check_not_nan(std::string_view dist, std::string_view param, const at::Tensor& value);
void check_positive(std::string_view dist, std::string_view param, const at::Tensor& value);

// "got 0.5" for one element, "but value[2] = 0.5" for the first offending
// element of a larger tensor; `ok` marks acceptable elements.
std::string describe_violation(std::string_view label, const at::Tensor& value,
                               const at::Tensor& ok);

}  // namespace kiln::rt
