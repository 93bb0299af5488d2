// Normal and Bernoulli: log_prob against closed forms, validation messages,
// moments of draws within their Monte Carlo error, gradients, shapes.
#include <ATen/ATen.h>

#include <cmath>

#include "gradcheck.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/bernoulli.h"
#include "stdlib/distributions/delta.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/distributions/unit.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// Draws per moment test; 5 standard errors keeps a false alarm below 1e-6.
constexpr int64_t kDraws = 200000;
constexpr double kStandardErrors = 5.0;

const Distribution& D(const Value& v) { return *as_distribution(v); }
Value normal(Value loc, Value scale) { return call_builtin("Normal", {loc, scale}); }

TEST(Normal, LogProbMatchesClosedForm) {
  const Value n = normal(Value(1.0), Value(2.0));
  const double x = 0.3;
  const double expected =
      -std::pow(x - 1.0, 2) / (2 * 4.0) - std::log(2.0) - 0.5 * std::log(2 * M_PI);
  EXPECT_NEAR(D(n).log_prob(at::scalar_tensor(x, at::kDouble)).item<double>(), expected, 1e-6);
  const Value lp = call_method_of(n, "log_prob", {Value(x)});
  EXPECT_NEAR(T(lp).item<double>(), expected, 1e-6);
}

TEST(Normal, ParametersBroadcastAndKeepDtype) {
  const Value n = normal(tensor_value(at::zeros({3}, at::kDouble)), Value(1.0));
  EXPECT_EQ(D(n).batch_shape(), std::vector<int64_t>({3}));
  EXPECT_EQ(T(get_attr(n, "scale")).scalar_type(), at::kDouble);
  EXPECT_EQ(to_str(get_attr(n, "batch_shape")), "(3,)");
  const Value scalar = normal(Value(0), Value(1));
  EXPECT_EQ(D(scalar).dtype(), at::kFloat);
  EXPECT_EQ(to_str(scalar), "Normal(loc: 0.0, scale: 1.0)");
  EXPECT_EQ(to_str(n), "Normal(loc: shape (3,), scale: shape (3,))");
  EXPECT_EQ(to_str(get_attr(call_method_of(n, "sample", {Value(2)}), "shape")), "(2, 3)");
}

TEST(Normal, ValidationNamesArgumentRequirementAndValue) {
  EXPECT_EQ(error_of([] { normal(Value(0.0), Value(-1.0)); }),
            "Normal(): scale must be positive, got -1.0");
  EXPECT_EQ(error_of([] {
              normal(Value(0.0), tensor_value(at::tensor({1.0f, 0.0f})));
            }),
            "Normal(): scale must be positive, but scale[1] = 0.0");
  EXPECT_EQ(error_of([] { normal(Value(NAN), Value(1.0)); }),
            "Normal(): loc must be a real number (not nan), got nan");
  EXPECT_EQ(error_of([] { normal(make_str("a"), Value(1.0)); }),
            "Normal(): argument 'loc' must be a number or a tensor, got str");
  EXPECT_EQ(error_of([] { normal(tensor_value(at::zeros({3})), tensor_value(at::ones({4}))); }),
            "Normal(): loc of shape (3,) and scale of shape (4,) cannot be broadcast together");
  const Value n = normal(tensor_value(at::zeros({3})), Value(1.0));
  EXPECT_EQ(error_of([&] { call_method_of(n, "log_prob", {tensor_value(at::zeros({4}))}); }),
            "Normal.log_prob(): value of shape (4,) does not broadcast with the batch shape (3,)");
}

TEST(Normal, ValidationCanBeSwitchedOff) {
  set_validation_enabled(false);
  EXPECT_EQ(error_of([] { normal(Value(0.0), Value(-1.0)); }), "");
  set_validation_enabled(true);
}

TEST(Normal, SampleMomentsWithinMonteCarloError) {
  seed_global_generator(1);
  const double mu = 1.5, sigma = 0.5;
  const at::Tensor x = D(normal(Value(mu), Value(sigma))).sample({kDraws}).to(at::kDouble);
  const double se_mean = sigma / std::sqrt(double(kDraws));
  // Var of the sample variance of a Gaussian: 2 sigma^4 / (n - 1).
  const double se_var = std::sqrt(2.0 / (kDraws - 1)) * sigma * sigma;
  EXPECT_NEAR(x.mean().item<double>(), mu, kStandardErrors * se_mean);
  EXPECT_NEAR(x.var().item<double>(), sigma * sigma, kStandardErrors * se_var);
}

TEST(Normal, RsampleCarriesGradientsAndMatchesSample) {
  const at::Tensor loc = at::scalar_tensor(0.5).requires_grad_();
  const at::Tensor scale = at::scalar_tensor(2.0).requires_grad_();
  const Normal n(loc, scale, true);
  seed_global_generator(7);
  const at::Tensor r = n.rsample({4});
  seed_global_generator(7);
  const at::Tensor s = n.sample({4});
  EXPECT_TRUE(at::allclose(r.detach(), s));
  EXPECT_FALSE(s.requires_grad());
  r.sum().backward();
  EXPECT_DOUBLE_EQ(loc.grad().item<double>(), 4.0);
}

TEST(Normal, LogProbGradientMatchesFiniteDifferences) {
  const at::Tensor value = at::tensor({0.3, -1.2, 2.0}, at::kDouble);
  // d/d(loc, scale): x packs [loc, scale].
  expect_gradient_matches(
      [&](const at::Tensor& p) { return Normal(p[0], p[1], false).log_prob(value); },
      at::tensor({0.1, 1.7}, at::kDouble));
  // d/d value.
  expect_gradient_matches(
      [](const at::Tensor& v) {
        return Normal(at::scalar_tensor(0.5, at::kDouble), at::scalar_tensor(1.3, at::kDouble),
                      false)
            .log_prob(v);
      },
      value);
}

TEST(Normal, EntropyAndExpand) {
  const Value n = normal(Value(0.0), Value(1.0));
  EXPECT_NEAR(T(call_method_of(n, "entropy")).item<double>(), 0.5 * std::log(2 * M_PI * M_E), 1e-6);
  const Value e = D(n).expand({2, 3});
  EXPECT_EQ(D(e).batch_shape(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(error_of([&] { D(normal(tensor_value(at::zeros({3})), Value(1.0))).expand({4}); }),
            "Normal.expand(): cannot expand batch shape (3,) to (4,)");
}

TEST(Bernoulli, LogProbMatchesClosedFormForProbsAndLogits) {
  const double p = 0.3;
  const Value by_probs = call_builtin("Bernoulli", {Value(p)});
  const Value by_logits = call_builtin("Bernoulli", {}, {{"logits", Value(std::log(p / (1 - p)))}});
  for (const Value& b : {by_probs, by_logits}) {
    const at::Tensor lp = D(b).log_prob(at::tensor({1.0f, 0.0f}));
    EXPECT_NEAR(lp[0].item<double>(), std::log(p), 1e-5);
    EXPECT_NEAR(lp[1].item<double>(), std::log(1 - p), 1e-5);
  }
  EXPECT_NEAR(T(get_attr(by_logits, "probs")).item<double>(), p, 1e-6);
  EXPECT_EQ(to_str(by_probs), "Bernoulli(probs: 0.3)");
  // Integer and bool observations are scored like floats.
  EXPECT_NEAR(D(by_probs).log_prob(at::scalar_tensor(1L, at::kLong)).item<double>(), std::log(p),
              1e-5);
  EXPECT_NEAR(D(by_probs).log_prob(bools({0})).item<double>(), std::log(1 - p), 1e-5);
}

TEST(Bernoulli, ValidationMessages) {
  EXPECT_EQ(error_of([] { call_builtin("Bernoulli", {Value(1.5)}); }),
            "Bernoulli(): probs must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of([] { call_builtin("Bernoulli", {}); }),
            "Bernoulli(): give exactly one of probs and logits");
  EXPECT_EQ(error_of([] {
              call_builtin("Bernoulli", {Value(0.5)}, {{"logits", Value(0.0)}});
            }),
            "Bernoulli(): give exactly one of probs and logits");
  const Value b = call_builtin("Bernoulli", {Value(0.5)});
  EXPECT_EQ(error_of([&] { call_method_of(b, "log_prob", {Value(0.5)}); }),
            "Bernoulli.log_prob(): value is outside the support (boolean: x is 0 or 1), got 0.5");
  EXPECT_EQ(error_of([&] { call_method_of(b, "rsample"); }),
            "Bernoulli does not support reparameterized sampling (rsample)");
}

TEST(Bernoulli, SampleMeanWithinMonteCarloError) {
  seed_global_generator(2);
  const double p = 0.2;
  const at::Tensor x = D(call_builtin("Bernoulli", {Value(p)})).sample({kDraws}).to(at::kDouble);
  EXPECT_TRUE(((x == 0) | (x == 1)).all().item<bool>());
  EXPECT_NEAR(x.mean().item<double>(), p, kStandardErrors * std::sqrt(p * (1 - p) / kDraws));
}

TEST(Bernoulli, LogProbGradientMatchesFiniteDifferences) {
  const at::Tensor value = at::tensor({1.0, 0.0, 1.0}, at::kDouble);
  expect_gradient_matches(
      [&](const at::Tensor& l) { return Bernoulli(l, true, false).log_prob(value); },
      at::tensor({-0.3, 0.8, 2.5}, at::kDouble));
  expect_gradient_matches(
      [&](const at::Tensor& p) { return Bernoulli(p, false, false).log_prob(value); },
      at::tensor({0.2, 0.5, 0.9}, at::kDouble));
}

TEST(InternalDistributions, UnitScoresItsFactorAndDeltaItsPoint) {
  const Unit u(at::tensor({-1.0f, -2.0f}));
  EXPECT_EQ(u.sample({}).sizes(), at::IntArrayRef({2, 0}));
  EXPECT_TRUE(at::equal(u.log_prob(u.sample({})), at::tensor({-1.0f, -2.0f})));
  const Delta d(at::tensor({1.0f, 2.0f}), 1);
  EXPECT_EQ(d.event_shape(), std::vector<int64_t>({2}));
  EXPECT_EQ(d.log_prob(at::tensor({1.0f, 2.0f})).item<float>(), 0.0f);
  EXPECT_TRUE(std::isinf(d.log_prob(at::tensor({1.0f, 3.0f})).item<float>()));
}

TEST(Random, SeededDrawsAreReproducible) {
  seed_global_generator(123);
  const Value a = call_builtin("randn", {Value(5)});
  const at::Tensor na = D(normal(Value(0.0), Value(1.0))).sample({3});
  seed_global_generator(123);
  const Value b = call_builtin("randn", {Value(5)});
  const at::Tensor nb = D(normal(Value(0.0), Value(1.0))).sample({3});
  EXPECT_TRUE(at::equal(T(a), T(b)));
  EXPECT_TRUE(at::equal(na, nb));
  call_builtin("manual_seed", {Value(9)});
  EXPECT_EQ(global_seed(), 9u);
  const Value c = call_builtin("rand", {Value(3)});
  call_builtin("manual_seed", {Value(9)});
  EXPECT_TRUE(at::equal(T(c), T(call_builtin("rand", {Value(3)}))));
}

}  // namespace
}  // namespace kiln::rt::testing
