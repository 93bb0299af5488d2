// The Cauchy log density, -log(pi) - log(scale) - log1p(((value - loc) / scale)^2),
// elementwise with broadcasting, as one autograd node; and the half-Cauchy
// one (loc 0, doubled on value >= 0, -inf below), the usual prior of a
// hierarchical model's scales.
//
//   at::Tensor lp = cauchy_log_density(value, loc, scale);
//   at::Tensor lp = half_cauchy_log_density(value, scale);
//
// Written out, the half-Cauchy density is ~17 LibTorch operations forward
// (a square through pow, the support's where, the casts of its constants)
// and six autograd nodes whose backward passes take ~20 more. Here the
// forward is 4–6 operations without recording (a scalar scale's division
// and log done on the host), and one node's backward gives, with d = value - loc,
//   d/dvalue = -2 d / (scale^2 + d^2),  d/dloc = 2 d / (scale^2 + d^2),
//   d/dscale = (d^2 - scale^2) / (scale (scale^2 + d^2)),
// each summed back to its input's shape (and 0 where the half-Cauchy's value
// is negative, as torch's where gives). The backward uses differentiable
// operations only, so second derivatives stay exact.
#pragma once

#include <ATen/core/Tensor.h>

namespace kiln::rt {

at::Tensor cauchy_log_density(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale);
at::Tensor half_cauchy_log_density(const at::Tensor& value, const at::Tensor& scale);

}  // namespace kiln::rt
