// bernoulli_logits_log_density, the one-node Bernoulli log mass: its value
// (also for large |logits|), its first derivatives with broadcasting and
// mixed dtypes, and its second derivatives (create_graph) agree with
// LibTorch's binary_cross_entropy_with_logits and with the formula written
// out in tensor operations, which autograd differentiates on its own.
#include "stdlib/distributions/bernoulli_log_density.h"

#include <ATen/ATen.h>
#include <ATen/core/Reduction.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>

#include "gradcheck.h"

namespace kiln::rt {
namespace {

at::TensorOptions f64() { return at::TensorOptions().dtype(at::kDouble); }

at::Tensor reference(const at::Tensor& logits, const at::Tensor& value) {
  return value * logits.sigmoid().log() + (1 - value) * (1 - logits.sigmoid()).log();
}

TEST(BernoulliLogitsLogDensity, ValueMatchesBinaryCrossEntropyIncludingLargeLogits) {
  const at::Tensor logits = at::tensor({-60.0, -25.0, -3.0, 0.0, 0.7, 19.0, 21.0, 60.0}, f64());
  for (const double y : {0.0, 1.0}) {
    const at::Tensor value = at::full_like(logits, y);
    const at::Tensor expected =
        -at::binary_cross_entropy_with_logits(logits, value, {}, {}, at::Reduction::None);
    EXPECT_TRUE(at::allclose(bernoulli_logits_log_density(logits, value), expected, 1e-12, 1e-8))
        << "value " << y;
  }
}

TEST(BernoulliLogitsLogDensity, GradientsOfEachInputWithBroadcasting) {
  // logits (3), value (2, 3): each gradient summed back to its input's shape.
  const at::Tensor logits = at::tensor({-1.5, 0.2, 2.25}, f64());
  const at::Tensor value = at::tensor({1.0, 0.0, 1.0, 0.0, 0.0, 1.0}, f64()).reshape({2, 3});
  testing::expect_gradient_matches([&](const at::Tensor& x) { return bernoulli_logits_log_density(x, value); },
                                   logits);
  testing::expect_gradient_matches([&](const at::Tensor& x) { return bernoulli_logits_log_density(logits, x); },
                                   value);
}

TEST(BernoulliLogitsLogDensity, SecondDerivativesMatchAutogradOfTheFormula) {
  const at::Tensor logits0 = at::tensor({-1.5, 0.4, 2.25}, f64());
  const at::Tensor value0 = at::tensor({1.0, 0.0, 1.0}, f64());
  const auto rows = [&](auto density) {
    return testing::second_derivative_rows([&](const std::vector<at::Tensor>& x) { return density(x[0], x[1]); },
                                           {logits0, value0});
  };
  EXPECT_TRUE(at::allclose(rows(bernoulli_logits_log_density), rows(reference), 1e-10, 1e-10));
}

TEST(BernoulliLogitsLogDensity, Float32LogitsWithFloat64ValuesGetFloat32Gradient) {
  const at::Tensor logits = at::tensor({0.5f, -1.0f}).requires_grad_(true);
  const at::Tensor value = at::tensor({1.0, 0.0}, f64());
  const auto grads = torch::autograd::grad({bernoulli_logits_log_density(logits, value).sum()}, {logits});
  EXPECT_EQ(grads[0].scalar_type(), at::kFloat);
  // d/dlogits = value - sigmoid(logits).
  EXPECT_NEAR(grads[0][0].item<double>(), 1.0 - 1.0 / (1.0 + std::exp(-0.5)), 1e-7);
  EXPECT_NEAR(grads[0][1].item<double>(), -1.0 / (1.0 + std::exp(1.0)), 1e-7);
}

TEST(BernoulliLogitsLogDensity, WithoutGradientsNoGraphIsBuilt) {
  const at::Tensor lp = bernoulli_logits_log_density(at::tensor({0.0}, f64()), at::tensor({1.0}, f64()));
  EXPECT_FALSE(lp.requires_grad());
  EXPECT_NEAR(lp.item<double>(), -std::log(2.0), 1e-12);
}

}  // namespace
}  // namespace kiln::rt
