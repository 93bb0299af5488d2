// The gradient of a broadcast, type-promoted result, brought back to one
// input: summed over the broadcast dims to the input's shape and cast to its
// dtype. The backward passes of the fused densities use it for each input.
#pragma once

#include <ATen/ATen.h>

namespace kiln::rt {

inline at::Tensor reduce_to(const at::Tensor& g, const at::Tensor& input) {
  const at::Tensor summed = g.sizes() == input.sizes() ? g : at::sum_to(g, input.sizes());
  return summed.scalar_type() == input.scalar_type() ? summed : summed.to(input.scalar_type());
}

}  // namespace kiln::rt
