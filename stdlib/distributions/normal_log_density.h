// The Gaussian log density log N(value | loc, scale), elementwise with
// broadcasting, as one autograd node.
//
//   at::Tensor lp = normal_log_density(value, loc, scale);
//
// Written out with tensor operations, the density is about nine LibTorch
// operations and six autograd nodes; on the small tensors of most models each
// costs far more in dispatch, allocation and graph bookkeeping than in
// arithmetic (docs/performance.md), and Normal log-densities are the most
// common terms of every ELBO and potential. Here the forward runs without
// recording, and one node's backward gives the three partial derivatives
//   d/dvalue = -(value - loc) / scale^2,  d/dloc = (value - loc) / scale^2,
//   d/dscale = ((value - loc)^2 / scale^2 - 1) / scale,
// each summed back to its input's shape. The backward recomputes from the
// saved inputs with differentiable operations, so a second derivative
// (AutoLaplaceApproximation's Hessian, create_graph=True) is still exact.
// Without gradients (no input requires one, or grad mode is off) it is the
// plain formula.
#pragma once

#include <ATen/core/Tensor.h>

namespace kiln::rt {

at::Tensor normal_log_density(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale);

}  // namespace kiln::rt
