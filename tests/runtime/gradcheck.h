// The shared finite-difference gradient checker: compares autograd's
// gradient of sum(f(x)) with central differences, in float64. Every
// distribution, transform and builtin with a gradient goes through it.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <cmath>
#include <functional>
#include <vector>

namespace kiln::rt::testing {

// Central differences have error O(eps^2 f''') and rounding error O(1e-16 / eps):
// eps = 1e-6 balances them near 1e-10 for well-scaled functions, so a
// tolerance of 1e-6 (relative, floored at 1) catches any real mistake.
constexpr double kFiniteDifferenceStep = 1e-6;
constexpr double kGradientTolerance = 1e-6;

inline void expect_gradient_matches(const std::function<at::Tensor(const at::Tensor&)>& f,
                                    const at::Tensor& at_point) {
  const at::Tensor x = at_point.detach().to(at::kDouble).clone().requires_grad_(true);
  const at::Tensor y = f(x).sum();
  const at::Tensor grad = torch::autograd::grad({y}, {x})[0];
  at::NoGradGuard no_grad;
  const at::Tensor flat = x.detach().clone().reshape({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) {
    at::Tensor up = flat.clone(), down = flat.clone();
    up[i] += kFiniteDifferenceStep;
    down[i] -= kFiniteDifferenceStep;
    const double numeric = (f(up.reshape(x.sizes())).sum().item<double>() -
                            f(down.reshape(x.sizes())).sum().item<double>()) /
                           (2 * kFiniteDifferenceStep);
    const double analytic = grad.reshape({-1})[i].item<double>();
    EXPECT_NEAR(analytic, numeric, kGradientTolerance * std::max(1.0, std::fabs(numeric)))
        << "element " << i;
  }
}

// The second derivatives of a function of several tensors, as the rows a
// Hessian check compares: d/d(inputs) of the sum of all first derivatives of
// sum(f(inputs)), concatenated. For checking a fused density's hand-written
// backward (which must stay differentiable) against autograd of its
// written-out formula, at the same points.
inline at::Tensor second_derivative_rows(const std::function<at::Tensor(const std::vector<at::Tensor>&)>& f,
                                         const std::vector<at::Tensor>& at_points) {
  std::vector<at::Tensor> inputs;
  for (const at::Tensor& p : at_points) inputs.push_back(p.detach().clone().requires_grad_(true));
  const auto first = torch::autograd::grad({f(inputs).sum()}, inputs, {}, true, true);
  at::Tensor total = first[0].sum();
  for (size_t i = 1; i < first.size(); ++i) total = total + first[i].sum();
  return at::cat(torch::autograd::grad({total}, inputs));
}

}  // namespace kiln::rt::testing
