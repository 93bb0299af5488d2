// normal_log_density, the one-node Gaussian log density: its value, its
// first derivatives with broadcasting and mixed dtypes, and its second
// derivatives (create_graph) agree with the formula written out in tensor
// operations, which autograd differentiates on its own.
#include "stdlib/distributions/normal_log_density.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include <cmath>

#include "gradcheck.h"

namespace kiln::rt {
namespace {

at::Tensor reference(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  return -(value - loc).pow(2) / (2 * scale.pow(2)) - scale.log() - 0.5 * std::log(2 * M_PI);
}

at::TensorOptions f64() { return at::TensorOptions().dtype(at::kDouble); }

TEST(NormalLogDensity, ValueMatchesTheFormula) {
  const at::Tensor v = at::tensor({-1.5, 0.0, 2.25}, f64());
  const at::Tensor loc = at::tensor({0.5}, f64());
  const at::Tensor scale = at::tensor({0.7, 1.0, 3.0}, f64());
  EXPECT_TRUE(at::allclose(normal_log_density(v, loc, scale), reference(v, loc, scale), 1e-12, 1e-12));
}

TEST(NormalLogDensity, ScalarScalesTakeTheHostArithmeticPathWithTheSameResult) {
  const at::Tensor v = at::tensor({-1.5, 0.0, 2.25}, f64());
  const at::Tensor loc = at::tensor({0.5, 0.1, -0.3}, f64());
  // 0-dim, expanded to the batch shape (as Normal(zeros(3), 1.3) holds it), and float32.
  for (const at::Tensor& scale : {at::scalar_tensor(1.3, f64()), at::scalar_tensor(1.3, f64()).expand({3}),
                                  at::scalar_tensor(1.3, at::TensorOptions().dtype(at::kFloat))}) {
    EXPECT_TRUE(at::allclose(normal_log_density(v, loc, scale), reference(v, loc, scale), 1e-7, 1e-7));
  }
  // A 0-dim float64 scale keeps a float32 value's dtype, as LibTorch's promotion does.
  const at::Tensor v32 = v.to(at::kFloat), loc32 = loc.to(at::kFloat);
  const at::Tensor lp32 = normal_log_density(v32, loc32, at::scalar_tensor(1.3, f64()));
  EXPECT_EQ(lp32.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(lp32.to(at::kDouble), reference(v, loc, at::scalar_tensor(1.3, f64())), 1e-5, 1e-5));
  // An expanded float64 scale widens it; a scale that widens the shape broadcasts it.
  EXPECT_EQ(normal_log_density(v32, loc32, at::scalar_tensor(1.3, f64()).expand({3})).scalar_type(), at::kDouble);
  const at::Tensor wide = normal_log_density(at::tensor({0.5}, f64()), at::tensor({0.0}, f64()),
                                             at::scalar_tensor(2.0, f64()).expand({2, 1}));
  EXPECT_EQ(wide.sizes(), at::IntArrayRef({2, 1}));
  EXPECT_NEAR(wide[1][0].item<double>(), -0.5 * 0.0625 - std::log(2.0) - 0.5 * std::log(2 * M_PI), 1e-12);
}

TEST(NormalLogDensity, GradientsOfEachInputWithBroadcasting) {
  // value (2, 3), loc (3), scale 0-dim: every gradient is summed back to its input's shape.
  const at::Tensor v = at::tensor({-1.5, 0.0, 2.25, 0.3, -0.2, 1.1}, f64()).reshape({2, 3});
  const at::Tensor loc = at::tensor({0.5, -0.4, 1.0}, f64());
  const at::Tensor scale = at::scalar_tensor(1.3, f64());
  testing::expect_gradient_matches([&](const at::Tensor& x) { return normal_log_density(x, loc, scale); }, v);
  testing::expect_gradient_matches([&](const at::Tensor& x) { return normal_log_density(v, x, scale); }, loc);
  testing::expect_gradient_matches([&](const at::Tensor& x) { return normal_log_density(v, loc, x); }, scale);
}

TEST(NormalLogDensity, SecondDerivativesMatchAutogradOfTheFormula) {
  const at::Tensor v0 = at::tensor({-1.5, 0.4, 2.25}, f64());
  const at::Tensor loc0 = at::tensor({0.5, -0.4, 1.0}, f64());
  const at::Tensor scale0 = at::tensor({0.7, 1.2, 3.0}, f64());
  const auto rows = [&](auto density) {
    return testing::second_derivative_rows(
        [&](const std::vector<at::Tensor>& x) { return density(x[0], x[1], x[2]); }, {v0, loc0, scale0});
  };
  EXPECT_TRUE(at::allclose(rows(normal_log_density), rows(reference), 1e-10, 1e-10));
}

TEST(NormalLogDensity, Float32ValueWithFloat64ParametersGetsFloat32Gradient) {
  const at::Tensor v = at::tensor({0.25f, -1.0f}).requires_grad_(true);
  const at::Tensor loc = at::tensor({0.0, 1.0}, f64()).requires_grad_(true);
  const at::Tensor scale = at::tensor({2.0, 0.5}, f64());
  const auto grads = torch::autograd::grad({normal_log_density(v, loc, scale).sum()}, {v, loc});
  EXPECT_EQ(grads[0].scalar_type(), at::kFloat);
  EXPECT_EQ(grads[1].scalar_type(), at::kDouble);
  // d/dvalue = -(value - loc) / scale^2.
  EXPECT_NEAR(grads[0][0].item<double>(), -0.25 / 4.0, 1e-7);
  EXPECT_NEAR(grads[0][1].item<double>(), 2.0 / 0.25, 1e-6);
}

TEST(NormalLogDensity, WithoutGradientsNoGraphIsBuilt) {
  const at::Tensor lp = normal_log_density(at::tensor({1.0}, f64()), at::tensor({0.0}, f64()),
                                           at::tensor({1.0}, f64()));
  EXPECT_FALSE(lp.requires_grad());
  EXPECT_NEAR(lp.item<double>(), -0.5 - 0.5 * std::log(2 * M_PI), 1e-12);
}

}  // namespace
}  // namespace kiln::rt
