// The Bernoulli log mass from logits, log p(value | logits) =
// value * logits - softplus(logits), elementwise with broadcasting, as one
// autograd node.
//
//   at::Tensor lp = bernoulli_logits_log_density(logits, value);
//
// LibTorch's binary_cross_entropy_with_logits, the stable textbook route,
// runs about fifteen operations forward on every evaluation (its max-shift
// trick written out), and a negation adds a node; a logistic regression's
// gradient in NUTS is a few dozen operations in all, so that is a large
// share of it (docs/performance.md). Here the forward is three operations
// without recording, and one node's backward gives
//   d/dlogits = value - sigmoid(logits),  d/dvalue = logits,
// each summed back to its input's shape. softplus(x) is log1p(exp(x)) below
// x = 20 and x above (error below 2e-9): stable for large |logits|. The
// backward uses differentiable operations only, so second derivatives
// (AutoLaplaceApproximation's Hessian) stay exact. Without gradients it is
// the plain formula.
#pragma once

#include <ATen/core/Tensor.h>

namespace kiln::rt {

at::Tensor bernoulli_logits_log_density(const at::Tensor& logits, const at::Tensor& value);

}  // namespace kiln::rt
