// cauchy_log_density and half_cauchy_log_density, one autograd node each:
// values (scalar and tensor scales, the half-Cauchy's -inf below 0), first
// derivatives of every input with broadcasting, second derivatives against
// autograd of the written-out formula, dtypes.
#include "stdlib/distributions/cauchy_log_density.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <cmath>
#include <limits>

#include "gradcheck.h"

namespace kiln::rt {
namespace {

at::TensorOptions f64() { return at::TensorOptions().dtype(at::kDouble); }

at::Tensor reference(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  return -std::log(M_PI) - scale.log() - at::log1p(((value - loc) / scale).pow(2));
}

TEST(CauchyLogDensity, ValueMatchesTheFormulaForTensorAndScalarScales) {
  const at::Tensor v = at::tensor({-3.0, -0.2, 0.0, 1.5, 40.0}, f64());
  const at::Tensor loc = at::tensor({0.5}, f64());
  for (const at::Tensor& scale : {at::tensor({0.7, 1.0, 3.0, 0.2, 2.5}, f64()), at::scalar_tensor(1.7, f64()),
                                  at::scalar_tensor(1.7, f64()).expand({5})}) {
    EXPECT_TRUE(at::allclose(cauchy_log_density(v, loc, scale), reference(v, loc, scale), 1e-12, 1e-12));
  }
}

TEST(CauchyLogDensity, HalfCauchyDoublesOnTheRightAndIsMinusInfinityOnTheLeft) {
  const at::Tensor v = at::tensor({-1.0, 0.0, 0.3, 12.0}, f64());
  const at::Tensor scale = at::scalar_tensor(5.0, f64());
  const at::Tensor lp = half_cauchy_log_density(v, scale);
  const at::Tensor expected = reference(v, at::zeros({}, f64()), scale) + std::log(2.0);
  EXPECT_EQ(lp[0].item<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(at::allclose(lp.slice(0, 1), expected.slice(0, 1), 1e-12, 1e-12));
}

TEST(CauchyLogDensity, GradientsOfEachInputWithBroadcasting) {
  // value (2, 3), loc (3), scale 0-dim, then scale (3).
  const at::Tensor v = at::tensor({-1.5, 0.0, 2.25, 0.3, -0.2, 1.1}, f64()).reshape({2, 3});
  const at::Tensor loc = at::tensor({0.5, -0.4, 1.0}, f64());
  for (const at::Tensor& scale : {at::scalar_tensor(1.3, f64()), at::tensor({0.6, 1.3, 2.0}, f64())}) {
    testing::expect_gradient_matches([&](const at::Tensor& x) { return cauchy_log_density(x, loc, scale); }, v);
    testing::expect_gradient_matches([&](const at::Tensor& x) { return cauchy_log_density(v, x, scale); }, loc);
    testing::expect_gradient_matches([&](const at::Tensor& x) { return cauchy_log_density(v, loc, x); }, scale);
  }
  const at::Tensor positive = at::tensor({0.2, 1.0, 4.0}, f64());
  const at::Tensor scale = at::tensor({0.5, 2.0, 3.0}, f64());
  testing::expect_gradient_matches([&](const at::Tensor& x) { return half_cauchy_log_density(x, scale); }, positive);
  testing::expect_gradient_matches([&](const at::Tensor& x) { return half_cauchy_log_density(positive, x); }, scale);
}

TEST(CauchyLogDensity, HalfCauchyGradientIsZeroWhereTheValueIsNegative) {
  const at::Tensor v = at::tensor({-1.0, 2.0}, f64()).requires_grad_(true);
  const at::Tensor scale = at::scalar_tensor(1.0, f64()).requires_grad_(true);
  const at::Tensor lp = half_cauchy_log_density(v, scale);
  const auto grads = torch::autograd::grad({lp[1] + at::where(lp[0].isinf(), at::zeros({}, f64()), lp[0])}, {v});
  EXPECT_EQ(grads[0][0].item<double>(), 0.0);
  EXPECT_NEAR(grads[0][1].item<double>(), -2 * 2.0 / (1.0 + 4.0), 1e-12);
  // The gradient of the -inf element itself is 0 too, as torch's where gives.
  const auto through_inf = torch::autograd::grad({half_cauchy_log_density(v, scale)[0]}, {v, scale});
  EXPECT_EQ(through_inf[0][0].item<double>(), 0.0);
  EXPECT_EQ(through_inf[1].item<double>(), 0.0);
}

TEST(CauchyLogDensity, SecondDerivativesMatchAutogradOfTheFormula) {
  const at::Tensor v0 = at::tensor({-1.5, 0.4, 2.25}, f64());
  const at::Tensor loc0 = at::tensor({0.5, -0.4, 1.0}, f64());
  const at::Tensor scale0 = at::tensor({0.7, 1.2, 3.0}, f64());
  const auto rows = [&](auto density) {
    return testing::second_derivative_rows(
        [&](const std::vector<at::Tensor>& x) { return density(x[0], x[1], x[2]); }, {v0, loc0, scale0});
  };
  EXPECT_TRUE(at::allclose(rows(cauchy_log_density), rows(reference), 1e-10, 1e-10));
}

TEST(CauchyLogDensity, Float32ValueKeepsItsDtypeWithAFloat64ScalarScale) {
  const at::Tensor v = at::tensor({0.25f, 3.0f}).requires_grad_(true);
  const at::Tensor lp = half_cauchy_log_density(v, at::scalar_tensor(5.0, f64()));
  EXPECT_EQ(lp.scalar_type(), at::kFloat);
  const auto grads = torch::autograd::grad({lp.sum()}, {v});
  EXPECT_EQ(grads[0].scalar_type(), at::kFloat);
  EXPECT_NEAR(grads[0][1].item<double>(), -2 * 3.0 / (25.0 + 9.0), 1e-7);
}

}  // namespace
}  // namespace kiln::rt
