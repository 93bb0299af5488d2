// The discrete distributions -- Categorical, OneHotCategorical, Binomial,
// Multinomial, Poisson, Geometric, NegativeBinomial, and Bernoulli's
// enumerate_support: log_prob against closed forms computed here in double
// with std::lgamma, enumerate_support, moments of draws within their Monte
// Carlo error, entropies, validation messages and gradients.
#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <vector>

#include "gradcheck.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/bernoulli.h"
#include "stdlib/distributions/binomial.h"
#include "stdlib/distributions/categorical.h"
#include "stdlib/distributions/geometric.h"
#include "stdlib/distributions/multinomial.h"
#include "stdlib/distributions/negative_binomial.h"
#include "stdlib/distributions/one_hot_categorical.h"
#include "stdlib/distributions/poisson.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// Draws per moment test; 5 standard errors keeps a false alarm below 1e-6
// per checked number.
constexpr int64_t kDraws = 100000;
constexpr double kStandardErrors = 5.0;
// Closed forms in float64 agree with the library to rounding.
constexpr double kTight = 1e-10;

const Distribution& D(const Value& v) { return *as_distribution(v); }
// Distributions are runtime objects: own them through Values to loop over them.
template <class Dist>
const Dist& as(const Value& v) {
  return dynamic_cast<const Dist&>(D(v));
}
at::Tensor doubles(std::vector<double> v) { return at::tensor(v, at::kDouble); }
double logit(double p) { return std::log(p / (1 - p)); }
double log_choose(double n, double k) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

void expect_all_near(const at::Tensor& got, const at::Tensor& want, double tolerance = kTight) {
  ASSERT_EQ(got.sizes(), want.sizes());
  EXPECT_TRUE(at::allclose(got.to(at::kDouble), want.to(at::kDouble), 0, tolerance))
      << "got " << got << ", want " << want;
}

// The sample mean and variance over dim 0 of each element lie within
// kStandardErrors of `mean` and `variance`; the variance's standard error,
// sqrt((m4 - s^4) / n), is estimated from the draws themselves.
void expect_moments(const at::Tensor& draws, const at::Tensor& mean, const at::Tensor& variance) {
  const at::Tensor x = draws.to(at::kDouble);
  const double n = static_cast<double>(x.size(0));
  const at::Tensor m = x.mean(0);
  const at::Tensor centered = x - m;
  const at::Tensor s2 = centered.pow(2).mean(0);
  const at::Tensor se_mean = (variance.to(at::kDouble) / n).sqrt();
  const at::Tensor se_var = ((centered.pow(4).mean(0) - s2.pow(2)) / n).sqrt();
  EXPECT_TRUE(((m - mean).abs() <= kStandardErrors * se_mean).all().item<bool>())
      << "sample mean " << m << ", expected " << mean;
  EXPECT_TRUE(((s2 - variance).abs() <= kStandardErrors * se_var).all().item<bool>())
      << "sample variance " << s2 << ", expected " << variance;
}

// Sums exp(log_prob) over enumerate_support, with and without expand.
void expect_support_sums_to_one(const Distribution& d) {
  for (bool expand : {false, true}) {
    const at::Tensor total = d.log_prob(d.enumerate_support(expand)).exp().sum(0);
    expect_all_near(total, at::ones(d.batch_shape(), at::kDouble), 1e-6);
  }
}

// ---- Categorical, OneHotCategorical, Multinomial

// Unnormalized rows (sums 10 and 5), batch (2,), K = 3.
at::Tensor weights() { return doubles({2, 3, 5, 1, 1, 3}).view({2, 3}); }
double normalized(int row, int k) { return weights()[row][k].item<double>() / (row ? 5.0 : 10.0); }

TEST(Categorical, LogProbMatchesClosedFormForProbsAndLogits) {
  // Logits shifted per row by any constant give the same distribution.
  const at::Tensor logits = weights().log() + doubles({1.5, -2.0}).unsqueeze(-1);
  for (const Value& v : {make_value(new Categorical(weights(), false, true)),
                         make_value(new Categorical(logits, true, true))}) {
    const Categorical& c = as<Categorical>(v);
    EXPECT_EQ(c.batch_shape(), std::vector<int64_t>({2}));
    EXPECT_EQ(c.event_shape(), std::vector<int64_t>());
    expect_all_near(c.log_prob(at::tensor({2L, 0L})), doubles({std::log(0.5), std::log(0.2)}));
    // A value of shape (3, 1) broadcasts with the batch to (3, 2).
    const at::Tensor lp = c.log_prob(at::tensor({0L, 1L, 2L}).view({3, 1}));
    at::Tensor want = at::empty({3, 2}, at::kDouble);
    for (int k = 0; k < 3; ++k)
      for (int row = 0; row < 2; ++row) want[k][row] = std::log(normalized(row, k));
    expect_all_near(lp, want);
    expect_all_near(c.probs(), weights() / doubles({10, 5}).unsqueeze(-1));
  }
  // A second set: no batch dims, values as floats holding whole numbers.
  const Categorical c(doubles({0.25, 0.75}), false, true);
  expect_all_near(c.log_prob(doubles({0, 1, 1})),
                  doubles({std::log(0.25), std::log(0.75), std::log(0.75)}));
}

TEST(Categorical, SamplesAreInt64WithCategoryFrequencies) {
  seed_global_generator(11);
  const Categorical c(doubles({2, 3, 5, 1, 0, 4}).view({2, 3}), false, true);
  const at::Tensor draws = c.sample({kDraws});
  EXPECT_EQ(draws.scalar_type(), at::kLong);
  EXPECT_EQ(draws.sizes(), at::IntArrayRef({kDraws, 2}));
  const at::Tensor p = c.probs();
  expect_moments(at::one_hot(draws, 3), p, p * (1 - p));
  // The impossible category 1 of row 1 never comes up.
  EXPECT_FALSE((draws.select(1, 1) == 1).any().item<bool>());
}

TEST(Categorical, EnumerateSupportMeanEntropyAndExpand) {
  const Categorical c(weights(), false, true);
  EXPECT_TRUE(c.has_enumerate_support());
  EXPECT_TRUE(c.is_discrete());
  EXPECT_TRUE(at::equal(c.enumerate_support(false), at::tensor({0L, 1L, 2L}).view({3, 1})));
  EXPECT_TRUE(
      at::equal(c.enumerate_support(true), at::tensor({0L, 1L, 2L}).view({3, 1}).expand({3, 2})));
  expect_support_sums_to_one(c);
  EXPECT_TRUE(c.mean().isnan().all().item<bool>());
  EXPECT_EQ(c.variance().sizes(), at::IntArrayRef({2}));
  const double h0 = -(0.2 * std::log(0.2) + 0.3 * std::log(0.3) + 0.5 * std::log(0.5));
  const double h1 = -(0.4 * std::log(0.2) + 0.6 * std::log(0.6));
  expect_all_near(c.entropy(), doubles({h0, h1}));
  // 0 log 0 = 0, from probs and from -inf logits.
  const double h = -(0.2 * std::log(0.2) + 0.8 * std::log(0.8));
  const at::Tensor with_zero = doubles({1, 0, 4});
  EXPECT_NEAR(Categorical(with_zero, false, true).entropy().item<double>(), h, kTight);
  EXPECT_NEAR(Categorical(with_zero.log(), true, true).entropy().item<double>(), h, kTight);
  // As torch: a category of probability 0 scores log(eps) from probs, -inf from logits.
  EXPECT_TRUE(std::isinf(
      Categorical(with_zero.log(), true, true).log_prob(at::scalar_tensor(1L)).item<double>()));
  const Value e = c.expand({4, 2});
  EXPECT_EQ(D(e).batch_shape(), std::vector<int64_t>({4, 2}));
  EXPECT_EQ(D(e).sample({5}).sizes(), at::IntArrayRef({5, 4, 2}));
}

TEST(Categorical, BuiltinNormalizesAndDerivesLogits) {
  const Value c = call_builtin("Categorical", {list_of({Value(1), Value(3)})});
  EXPECT_EQ(D(c).dtype(), at::kFloat);
  expect_all_near(T(get_attr(c, "probs")), at::tensor({0.25, 0.75}), 1e-7);
  expect_all_near(T(get_attr(c, "logits")).exp(), at::tensor({0.25, 0.75}), 1e-6);
  EXPECT_EQ(to_str(c), "Categorical(probs: shape (2,))");
  const Value by_logits =
      call_builtin("Categorical", {}, {{"logits", list_of({Value(0.0), Value(0.0)})}});
  expect_all_near(T(get_attr(by_logits, "probs")), at::tensor({0.5, 0.5}), 1e-7);
}

TEST(OneHotCategorical, LogProbSupportMomentsAndEntropy) {
  for (const Value& v : {make_value(new OneHotCategorical(weights(), false, true)),
                         make_value(new OneHotCategorical(weights().log(), true, true))}) {
    const OneHotCategorical& d = as<OneHotCategorical>(v);
    EXPECT_EQ(d.event_shape(), std::vector<int64_t>({3}));
    EXPECT_EQ(d.batch_shape(), std::vector<int64_t>({2}));
    const at::Tensor value = doubles({0, 0, 1, 1, 0, 0}).view({2, 3});
    expect_all_near(d.log_prob(value), doubles({std::log(0.5), std::log(0.2)}));
    expect_all_near(d.entropy(), Categorical(weights(), false, true).entropy());
  }
  const OneHotCategorical d(weights(), false, true);
  EXPECT_TRUE(at::equal(d.enumerate_support(false), at::eye(3, at::kDouble).view({3, 1, 3})));
  EXPECT_EQ(d.enumerate_support(true).sizes(), at::IntArrayRef({3, 2, 3}));
  expect_support_sums_to_one(d);
  seed_global_generator(12);
  const at::Tensor draws = d.sample({kDraws});
  EXPECT_EQ(draws.scalar_type(), at::kDouble);
  EXPECT_TRUE((draws.sum(-1) == 1).all().item<bool>());
  expect_moments(draws, d.mean(), d.variance());
}

TEST(Multinomial, LogProbMatchesClosedFormWithZeroProbabilities) {
  // log n! - sum log x_i! + sum x_i log p_i
  const auto expected = [](std::vector<double> x, std::vector<double> p) {
    double n = 0, out = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      n += x[i];
      out -= std::lgamma(x[i] + 1);
      if (x[i] > 0) out += x[i] * std::log(p[i]);
    }
    return out + std::lgamma(n + 1);
  };
  const at::Tensor probs = doubles({0.5, 0.5, 0, 0.1, 0.2, 0.7}).view({2, 3});
  // log(0) = -inf logits: 0 * -inf must count as 0.
  for (const Value& v : {make_value(new Multinomial(6, probs, false, true)),
                         make_value(new Multinomial(6, probs.log(), true, true))}) {
    const Multinomial& m = as<Multinomial>(v);
    const at::Tensor value = doubles({3, 3, 0, 0, 1, 5}).view({2, 3});
    expect_all_near(m.log_prob(value), doubles({expected({3, 3, 0}, {0.5, 0.5, 0}),
                                                expected({0, 1, 5}, {0.1, 0.2, 0.7})}));
  }
  const Multinomial single(10, doubles({0.2, 0.3, 0.5}), false, true);
  expect_all_near(single.log_prob(doubles({1, 4, 5})),
                  doubles({expected({1, 4, 5}, {0.2, 0.3, 0.5})}).squeeze());
}

TEST(Multinomial, DrawsSumToTotalCountWithBinomialMoments) {
  seed_global_generator(13);
  const Multinomial m(10, doubles({0.2, 0.3, 0.5, 0.6, 0.4, 0}).view({2, 3}), false, true);
  const at::Tensor draws = m.sample({20000});
  EXPECT_EQ(draws.sizes(), at::IntArrayRef({20000, 2, 3}));
  EXPECT_EQ(draws.scalar_type(), at::kDouble);
  EXPECT_TRUE((draws.sum(-1) == 10).all().item<bool>());
  expect_moments(draws, m.mean(), m.variance());
  EXPECT_EQ(Multinomial(0, doubles({0.5, 0.5}), false, true).sample({3}).sum().item<double>(), 0);
}

TEST(Multinomial, EntropyMatchesEnumeration) {
  const std::vector<double> p = {0.2, 0.3, 0.5};
  const Multinomial m(3, doubles(p), false, true);
  double h = 0;
  for (int a = 0; a <= 3; ++a)
    for (int b = 0; a + b <= 3; ++b) {
      const int c = 3 - a - b;
      const double lp = std::lgamma(4) - std::lgamma(a + 1) - std::lgamma(b + 1) -
                        std::lgamma(c + 1) + a * std::log(p[0]) + b * std::log(p[1]) +
                        c * std::log(p[2]);
      h -= std::exp(lp) * lp;
    }
  EXPECT_NEAR(m.entropy().item<double>(), h, 1e-9);
  EXPECT_EQ(to_str(call_builtin("Multinomial", {Value(4)},
                                {{"probs", list_of({Value(0.5), Value(0.5)})}})),
            "Multinomial(total_count: 4, probs: shape (2,))");
}

// ---- Binomial, Poisson, Geometric, NegativeBinomial

TEST(Binomial, LogProbMatchesClosedFormForProbsAndLogits) {
  const auto pmf = [](double n, double p, double k) {
    return log_choose(n, k) + k * std::log(p) + (n - k) * std::log1p(-p);
  };
  const at::Tensor n = doubles({3, 10}), p = doubles({0.2, 0.7});
  const at::Tensor l = doubles({logit(0.2), logit(0.7)});
  for (const Value& v :
       {make_value(new Binomial(n, p, false, true)), make_value(new Binomial(n, l, true, true))}) {
    const Binomial& b = as<Binomial>(v);
    expect_all_near(b.log_prob(doubles({2, 7})), doubles({pmf(3, 0.2, 2), pmf(10, 0.7, 7)}));
    expect_all_near(b.log_prob(doubles({0, 10})), doubles({pmf(3, 0.2, 0), pmf(10, 0.7, 10)}));
    expect_all_near(b.mean(), doubles({0.6, 7.0}));
    expect_all_near(b.variance(), doubles({3 * 0.2 * 0.8, 10 * 0.7 * 0.3}));
  }
  const at::Tensor five = at::scalar_tensor(5.0, at::kDouble);
  const Binomial b(five, at::scalar_tensor(0.3, at::kDouble), false, true);
  for (double k = 0; k <= 5; ++k)
    EXPECT_NEAR(b.log_prob(at::scalar_tensor(k, at::kDouble)).item<double>(), pmf(5, 0.3, k),
                kTight);
  // p = 0 and p = 1 are certain.
  const Binomial edge(doubles({4, 4}), doubles({0, 1}), false, true);
  expect_all_near(edge.log_prob(doubles({0, 4})).exp(), doubles({1, 1}), 1e-9);
}

TEST(Binomial, EnumerateSupportEntropyAndMoments) {
  const Binomial b(doubles({4, 4}), doubles({0.3, 0.9}), false, true);
  EXPECT_TRUE(at::equal(b.enumerate_support(false), at::arange(5, at::kDouble).view({5, 1})));
  EXPECT_EQ(b.enumerate_support(true).sizes(), at::IntArrayRef({5, 2}));
  expect_support_sums_to_one(b);
  for (int i = 0; i < 2; ++i) {
    const double p = i ? 0.9 : 0.3;
    double h = 0;
    for (int k = 0; k <= 4; ++k) {
      const double lp = log_choose(4, k) + k * std::log(p) + (4 - k) * std::log1p(-p);
      h -= std::exp(lp) * lp;
    }
    EXPECT_NEAR(b.entropy()[i].item<double>(), h, 1e-9);
  }
  seed_global_generator(14);
  const Binomial mixed(doubles({3, 20, 0}), doubles({0.2, 0.6, 0.5}), false, true);
  const at::Tensor draws = mixed.sample({kDraws});
  EXPECT_EQ(draws.scalar_type(), at::kDouble);
  expect_moments(draws, mixed.mean(), mixed.variance());
  EXPECT_EQ(error_of([&] { mixed.enumerate_support(true); }),
            "Binomial.enumerate_support(): needs the same total_count for every batch element, "
            "but total_count ranges from 0.0 to 20.0");
}

TEST(Binomial, BuiltinDefaultsAndParams) {
  const Value b = call_builtin("Binomial", {}, {{"probs", Value(0.25)}});
  EXPECT_EQ(to_str(b), "Binomial(total_count: 1.0, probs: 0.25)");
  const Value t =
      call_builtin("Binomial", {tensor_value(at::tensor({2L, 5L}))}, {{"logits", Value(0.0)}});
  EXPECT_EQ(D(t).batch_shape(), std::vector<int64_t>({2}));
  EXPECT_EQ(T(get_attr(t, "total_count")).scalar_type(), at::kFloat);
  expect_all_near(T(get_attr(t, "probs")), at::tensor({0.5f, 0.5f}), 1e-7);
}

TEST(Poisson, LogProbMomentsAndZeroRate) {
  const auto pmf = [](double rate, double k) {
    return (k == 0 ? 0 : k * std::log(rate)) - rate - std::lgamma(k + 1);
  };
  const Poisson p(at::scalar_tensor(3.5, at::kDouble), true);
  expect_all_near(p.log_prob(doubles({0, 1, 4, 10})),
                  doubles({pmf(3.5, 0), pmf(3.5, 1), pmf(3.5, 4), pmf(3.5, 10)}));
  const Poisson batched(doubles({0.5, 2.0, 0.0}), true);
  expect_all_near(batched.log_prob(doubles({1, 3, 0})), doubles({pmf(0.5, 1), pmf(2, 3), 0}));
  EXPECT_TRUE(std::isinf(batched.log_prob(doubles({1, 3, 1}))[2].item<double>()));
  seed_global_generator(15);
  const Poisson q(doubles({0.3, 4.0, 50.0}), true);
  expect_moments(q.sample({kDraws}), q.mean(), q.variance());
  EXPECT_EQ(to_str(call_builtin("Poisson", {}, {{"rate", Value(2.0)}})), "Poisson(rate: 2.0)");
}

TEST(Geometric, LogProbMomentsAndEntropy) {
  const auto pmf = [](double p, double k) { return k * std::log1p(-p) + std::log(p); };
  for (const Value& v :
       {make_value(new Geometric(doubles({0.3, 0.8}), false, true)),
        make_value(new Geometric(doubles({logit(0.3), logit(0.8)}), true, true))}) {
    const Geometric& g = as<Geometric>(v);
    expect_all_near(g.log_prob(doubles({0, 5})), doubles({pmf(0.3, 0), pmf(0.8, 5)}));
    expect_all_near(g.mean(), doubles({1 / 0.3 - 1, 1 / 0.8 - 1}));
    const auto h = [](double p) { return (-p * std::log(p) - (1 - p) * std::log1p(-p)) / p; };
    expect_all_near(g.entropy(), doubles({h(0.3), h(0.8)}), 1e-9);
  }
  // p = 1: always 0 failures.
  const Geometric certain(doubles({1.0}), false, true);
  expect_all_near(certain.log_prob(doubles({0})), doubles({0}));
  seed_global_generator(16);
  const Geometric g(doubles({0.1, 0.5, 1.0}), false, true);
  const at::Tensor draws = g.sample({kDraws});
  EXPECT_TRUE((draws.select(1, 2) == 0).all().item<bool>());
  EXPECT_FALSE(draws.signbit().any().item<bool>());
  expect_moments(draws, g.mean(), g.variance());
}

TEST(NegativeBinomial, LogProbMatchesTorchParameterization) {
  // k successes before r failures, success probability p.
  const auto pmf = [](double r, double p, double k) {
    return std::lgamma(k + r) - std::lgamma(r) - std::lgamma(k + 1) + r * std::log1p(-p) +
           k * std::log(p);
  };
  const at::Tensor r = doubles({1.0, 4.5}), p = doubles({0.3, 0.8});
  for (const Value& v :
       {make_value(new NegativeBinomial(r, p, false, true)),
        make_value(new NegativeBinomial(r, doubles({logit(0.3), logit(0.8)}), true, true))}) {
    const NegativeBinomial& nb = as<NegativeBinomial>(v);
    expect_all_near(nb.log_prob(doubles({2, 5})), doubles({pmf(1, 0.3, 2), pmf(4.5, 0.8, 5)}));
    expect_all_near(nb.log_prob(doubles({0, 0})), doubles({pmf(1, 0.3, 0), pmf(4.5, 0.8, 0)}));
    expect_all_near(nb.mean(), doubles({0.3 / 0.7, 4.5 * 0.8 / 0.2}));
    expect_all_near(nb.variance(), doubles({0.3 / 0.49, 4.5 * 0.8 / 0.04}), 1e-9);
  }
  // r = 0 puts all mass on 0.
  const NegativeBinomial none(doubles({0.0}), doubles({0.5}), false, true);
  expect_all_near(none.log_prob(doubles({0})), doubles({0}));
  seed_global_generator(17);
  const NegativeBinomial nb(doubles({2.5, 10.0}), doubles({0.4, 0.1}), false, true);
  expect_moments(nb.sample({kDraws}), nb.mean(), nb.variance());
}

// ---- Bernoulli's enumerate_support

TEST(Bernoulli, EnumerateSupportGivesZeroAndOne) {
  const Bernoulli b(doubles({0.2, 0.7}), false, true);
  EXPECT_TRUE(b.has_enumerate_support());
  EXPECT_TRUE(at::equal(b.enumerate_support(false), doubles({0, 1}).view({2, 1})));
  EXPECT_EQ(b.enumerate_support(true).sizes(), at::IntArrayRef({2, 2}));
  expect_support_sums_to_one(b);
  const Value scalar = call_builtin("Bernoulli", {Value(0.5)});
  EXPECT_EQ(to_str(call_method_of(scalar, "enumerate_support")), "tensor([0., 1.])");
}

// ---- validation

TEST(DiscreteDistributions, ParameterValidationMessages) {
  const Value row_of_zeros = tensor_value(at::tensor({1.0f, 2.0f, 0.0f, 0.0f}).view({2, 2}));
  EXPECT_EQ(error_of([&] { call_builtin("Categorical", {row_of_zeros}); }),
            "Categorical(): probs must have a positive sum along the last dim (each row is divided "
            "by its sum), but probs[1] sums to 0");
  EXPECT_EQ(error_of([] {
              call_builtin("Categorical", {tensor_value(at::tensor({0.5f, -1.0f}))});
            }),
            "Categorical(): probs must be nonnegative and finite, but probs[1] = -1.0");
  EXPECT_EQ(error_of([] { call_builtin("Categorical", {Value(0.5)}); }),
            "Categorical(): probs must be at least one-dimensional (its last dim indexes the "
            "categories), got shape ()");
  EXPECT_EQ(
      error_of([] {
        call_builtin("OneHotCategorical", {}, {{"logits", tensor_value(at::full({2}, -INFINITY))}});
      }),
      "OneHotCategorical(): logits must have an entry above -inf along the last dim, but "
      "logits is -inf everywhere");
  EXPECT_EQ(error_of([] { call_builtin("Categorical", {}); }),
            "Categorical(): give exactly one of probs and logits");
  EXPECT_EQ(error_of([] {
              call_builtin("Binomial", {Value(3)}, {{"probs", Value(1.5)}});
            }),
            "Binomial(): probs must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of([] {
              call_builtin("Binomial", {Value(2.5)}, {{"probs", Value(0.5)}});
            }),
            "Binomial(): total_count must be a nonnegative integer, got 2.5");
  EXPECT_EQ(error_of([] {
              call_builtin("Multinomial", {Value(-1)}, {{"probs", list_of({Value(1.0)})}});
            }),
            "Multinomial(): total_count must be a nonnegative int, got -1");
  EXPECT_EQ(error_of([] {
              call_builtin("Multinomial", {Value(2.5)}, {{"probs", list_of({Value(1.0)})}});
            }),
            "Multinomial(): argument 'total_count' must be an int, got float");
  EXPECT_EQ(error_of([] { call_builtin("Poisson", {Value(-1.0)}); }),
            "Poisson(): rate must be nonnegative, got -1.0");
  EXPECT_EQ(error_of([] { call_builtin("Geometric", {Value(0.0)}); }),
            "Geometric(): probs must be in (0, 1], got 0.0");
  EXPECT_EQ(error_of([] {
              call_builtin("NegativeBinomial", {Value(2.0), Value(1.0)});
            }),
            "NegativeBinomial(): probs must be in [0, 1), got 1.0");
  EXPECT_EQ(error_of([] {
              call_builtin("NegativeBinomial", {}, {{"probs", Value(0.5)}});
            }),
            "NegativeBinomial() missing required argument 'total_count'");
}

TEST(DiscreteDistributions, ValuesOutsideTheSupportAreRejected) {
  const auto expect_outside = [](const Value& d, Value x) {
    const std::string who = std::string(D(d).name()) + ".log_prob(): value is outside the support";
    const std::string message = error_of([&] { call_method_of(d, "log_prob", {x}); });
    EXPECT_EQ(message.substr(0, who.size()), who) << message;
  };
  const Value poisson = call_builtin("Poisson", {Value(2.0)});
  expect_outside(poisson, Value(-1));
  expect_outside(poisson, Value(2.5));
  expect_outside(call_builtin("Categorical", {list_of({Value(1), Value(1), Value(1)})}), Value(3));
  expect_outside(call_builtin("Binomial", {Value(5)}, {{"probs", Value(0.5)}}), Value(6));
  expect_outside(call_builtin("Geometric", {Value(0.5)}), Value(1.5));
  expect_outside(call_builtin("NegativeBinomial", {Value(2.0), Value(0.5)}), Value(-2));
  expect_outside(call_builtin("OneHotCategorical", {list_of({Value(1), Value(1)})}),
                 tensor_value(at::tensor({1.0f, 1.0f})));
  expect_outside(
      call_builtin("Multinomial", {Value(2)}, {{"probs", list_of({Value(1), Value(1)})}}),
      tensor_value(at::tensor({2.0f, 1.0f})));
}

// ---- gradients of log_prob

TEST(DiscreteDistributions, LogProbGradientsMatchFiniteDifferences) {
  const at::Tensor index = at::tensor({2L, 0L});
  expect_gradient_matches(  // unnormalized probs: the normalization is differentiated too
      [&](const at::Tensor& w) {
        return Categorical(w.view({2, 3}), false, false).log_prob(index);
      },
      doubles({2, 3, 5, 1, 1, 4}));
  expect_gradient_matches(
      [&](const at::Tensor& l) {
        return Categorical(l.view({2, 3}), true, false).log_prob(index);
      },
      doubles({0.3, -1.0, 2.0, 0.0, 0.5, -0.2}));
  const at::Tensor one_hot = doubles({0, 1, 0});
  expect_gradient_matches(
      [&](const at::Tensor& l) { return OneHotCategorical(l, true, false).log_prob(one_hot); },
      doubles({0.3, -1.0, 2.0}));
  const at::Tensor counts = doubles({1, 4, 0});
  expect_gradient_matches(
      [&](const at::Tensor& p) { return Multinomial(5, p, false, false).log_prob(counts); },
      doubles({0.2, 0.5, 0.3}));
  expect_gradient_matches(
      [&](const at::Tensor& l) { return Multinomial(5, l, true, false).log_prob(counts); },
      doubles({0.2, -0.5, 1.3}));
  const at::Tensor k = doubles({0, 2, 7});
  const at::Tensor n = doubles({3, 5, 10});
  expect_gradient_matches(
      [&](const at::Tensor& p) { return Binomial(n, p, false, false).log_prob(k); },
      doubles({0.2, 0.5, 0.6}));
  // logits 0 checks the gradient where |logits| has a kink.
  expect_gradient_matches(
      [&](const at::Tensor& l) { return Binomial(n, l, true, false).log_prob(k); },
      doubles({-1.5, 0.0, 2.0}));
  expect_gradient_matches([&](const at::Tensor& r) { return Poisson(r, false).log_prob(k); },
                          doubles({0.5, 2.0, 6.0}));
  expect_gradient_matches(
      [&](const at::Tensor& p) { return Geometric(p, false, false).log_prob(k); },
      doubles({0.2, 0.5, 0.9}));
  expect_gradient_matches(
      [&](const at::Tensor& l) { return Geometric(l, true, false).log_prob(k); },
      doubles({-1.0, 0.0, 3.0}));
  expect_gradient_matches(
      [&](const at::Tensor& p) { return NegativeBinomial(n, p, false, false).log_prob(k); },
      doubles({0.2, 0.5, 0.6}));
  expect_gradient_matches(
      [&](const at::Tensor& l) { return NegativeBinomial(n, l, true, false).log_prob(k); },
      doubles({-1.0, 0.0, 1.5}));
  expect_gradient_matches(
      [&](const at::Tensor& r) {
        return NegativeBinomial(r, doubles({0.3, 0.3, 0.3}), false, false).log_prob(k);
      },
      doubles({0.7, 2.0, 5.5}));
}

}  // namespace
}  // namespace kiln::rt::testing
