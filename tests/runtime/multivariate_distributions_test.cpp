// Multivariate and wrapper distributions and analytic KL divergences:
// log_prob against closed forms computed independently in float64 (explicit
// inverses and determinants, lgamma sums, numerical integration), sample
// moments within their Monte Carlo error, reparameterized gradients, the
// shapes of to_event / mask / mixtures / transforms, validation messages,
// and every analytic KL pair against a Monte Carlo estimate of
// E_p[log p(x) - log q(x)].
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>

#include "gradcheck.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/dirichlet.h"
#include "stdlib/distributions/independent.h"
#include "stdlib/distributions/kl_divergence.h"
#include "stdlib/distributions/lkj_cholesky.h"
#include "stdlib/distributions/low_rank_multivariate_normal.h"
#include "stdlib/distributions/multivariate_normal.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/random.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt::testing {
namespace {

// Draws per Monte Carlo check; 5 standard errors keeps a false alarm below 1e-6.
constexpr int64_t kDraws = 100000;
constexpr double kStandardErrors = 5.0;
const double kLogTwoPi = std::log(2 * M_PI);

const Distribution& D(const Value& v) { return *as_distribution(v); }
at::Tensor f64(std::vector<double> xs) { return at::tensor(xs, at::kDouble); }
Value num(double x) { return tensor_value(at::scalar_tensor(x, at::kDouble)); }
Value vec(std::vector<double> xs) { return tensor_value(f64(std::move(xs))); }
Value normal(Value loc, Value scale) { return call_builtin("Normal", {loc, scale}); }

double at_index(const at::Tensor& t, int64_t i) { return t.reshape({-1})[i].item<double>(); }

// Every element of `estimate` (a mean over dim 0 of `samples`) within
// kStandardErrors of `expected`, the standard error taken from the samples.
void expect_mean_within_error(const at::Tensor& samples, const at::Tensor& expected,
                              double floor = 0.0) {
  const at::Tensor s = samples.to(at::kDouble);
  const at::Tensor mean = s.mean(0);
  const at::Tensor se = s.std(0) / std::sqrt(static_cast<double>(s.size(0)));
  ASSERT_EQ(mean.sizes(), expected.sizes());
  for (int64_t i = 0; i < mean.numel(); ++i)
    EXPECT_NEAR(at_index(mean, i), at_index(expected, i), kStandardErrors * at_index(se, i) + floor)
        << "element " << i;
}

// A symmetric positive definite covariance with correlations of both signs.
at::Tensor covariance3() {
  return f64({2.0, 0.6, -0.4, 0.6, 1.5, 0.3, -0.4, 0.3, 1.0}).reshape({3, 3});
}

// The Gaussian density written out: -(x-mu)^T S^-1 (x-mu)/2 - log det(2 pi S)/2.
at::Tensor gaussian_log_density(const at::Tensor& x, const at::Tensor& mu, const at::Tensor& cov) {
  const at::Tensor diff = x - mu;
  const at::Tensor quad =
      at::matmul(diff.unsqueeze(-2), at::matmul(at::linalg_inv(cov), diff.unsqueeze(-1)))
          .squeeze(-1)
          .squeeze(-1);
  return -0.5 * quad - 0.5 * at::log(at::det(2 * M_PI * cov));
}

Value mvn(const at::Tensor& loc, std::string kind, const at::Tensor& matrix) {
  return call_builtin("MultivariateNormal", {tensor_value(loc)},
                      {{std::move(kind), tensor_value(matrix)}});
}

// ---- MultivariateNormal

TEST(MultivariateNormal, LogProbMatchesExplicitFormulaForEveryMatrix) {
  const at::Tensor mu = f64({0.5, -1.0, 2.0});
  const at::Tensor cov = covariance3();
  const at::Tensor x =
      f64({0.1, 0.2, 0.3, -1.0, 0.0, 2.5, 3.0, -2.0, 1.0, 0.5, -1.0, 2.0}).reshape({4, 3});
  const at::Tensor expected = gaussian_log_density(x, mu, cov);
  const Value by_cov = mvn(mu, "covariance_matrix", cov);
  const Value by_precision = mvn(mu, "precision_matrix", at::linalg_inv(cov));
  const Value by_tril = mvn(mu, "scale_tril", at::linalg_cholesky(cov));
  for (const Value& m : {by_cov, by_precision, by_tril}) {
    EXPECT_TRUE(at::allclose(D(m).log_prob(x), expected, 1e-10, 1e-10)) << to_str(m);
    EXPECT_EQ(D(m).event_shape(), std::vector<int64_t>({3}));
    EXPECT_TRUE(D(m).batch_shape().empty());
    EXPECT_TRUE(at::allclose(T(get_attr(m, "covariance_matrix")), cov, 1e-10, 1e-10));
    EXPECT_TRUE(
        at::allclose(T(get_attr(m, "precision_matrix")), at::linalg_inv(cov), 1e-10, 1e-10));
    EXPECT_TRUE(at::allclose(T(get_attr(m, "scale_tril")), at::linalg_cholesky(cov), 1e-10, 1e-10));
    EXPECT_TRUE(at::allclose(T(get_attr(m, "variance")), cov.diagonal(), 1e-10, 1e-10));
    const double entropy = 0.5 * at::log(at::det(2 * M_PI * M_E * cov)).item<double>();
    EXPECT_NEAR(D(m).entropy().item<double>(), entropy, 1e-10);
  }
  EXPECT_EQ(to_str(by_cov), "MultivariateNormal(loc: shape (3,), covariance_matrix: shape (3, 3))");
}

TEST(MultivariateNormal, BatchDimsOfLocAndMatrixBroadcast) {
  // Two covariances, one loc: batch shape (2,), scored for draws in front.
  const at::Tensor covs = at::stack({covariance3(), at::eye(3, at::kDouble) * 0.5});
  const at::Tensor mu = f64({0.5, -1.0, 2.0});
  const Value m = mvn(mu, "covariance_matrix", covs);
  EXPECT_EQ(D(m).batch_shape(), std::vector<int64_t>({2}));
  seed_global_generator(4);
  const at::Tensor x = at::randn({5, 2, 3}, at::kDouble);
  const at::Tensor lp = D(m).log_prob(x);
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({5, 2}));
  for (int64_t b = 0; b < 2; ++b)
    EXPECT_TRUE(at::allclose(lp.select(1, b), gaussian_log_density(x.select(1, b), mu, covs[b]),
                             1e-10, 1e-10));
  // A batch of locs with one matrix.
  const Value locs = mvn(at::zeros({4, 3}, at::kDouble), "scale_tril", at::eye(3, at::kDouble));
  EXPECT_EQ(D(locs).batch_shape(), std::vector<int64_t>({4}));
  EXPECT_EQ(D(locs).sample({6}).sizes(), at::IntArrayRef({6, 4, 3}));
  EXPECT_EQ(D(D(m).expand({7, 2})).log_prob(x.unsqueeze(1)).sizes(), at::IntArrayRef({5, 7, 2}));
}

TEST(MultivariateNormal, SampleMeanAndCovarianceWithinMonteCarloError) {
  const at::Tensor mu = f64({0.5, -1.0, 2.0});
  const at::Tensor cov = covariance3();
  seed_global_generator(11);
  const at::Tensor x = D(mvn(mu, "covariance_matrix", cov)).sample({kDraws});
  ASSERT_EQ(x.sizes(), at::IntArrayRef({kDraws, 3}));
  expect_mean_within_error(x, mu);
  // Centered at the true mean, each covariance entry is a mean of iid
  // products with variance S_ii S_jj + S_ij^2.
  const at::Tensor centered = x - mu;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      const double sij = cov[i][j].item<double>();
      const double se =
          std::sqrt((cov[i][i].item<double>() * cov[j][j].item<double>() + sij * sij) /
                    static_cast<double>(kDraws));
      EXPECT_NEAR((centered.select(1, i) * centered.select(1, j)).mean().item<double>(), sij,
                  kStandardErrors * se)
          << i << "," << j;
    }
}

TEST(MultivariateNormal, RsampleAndLogProbCarryGradients) {
  const at::Tensor x = f64({0.1, 0.2, 0.3, -1.0, 0.0, 2.5}).reshape({2, 3});
  const at::Tensor tril = at::linalg_cholesky(covariance3());
  using Kind = MultivariateNormal::MatrixKind;
  expect_gradient_matches(
      [&](const at::Tensor& loc) {
        return MultivariateNormal(loc, tril, Kind::kScaleTril, false).log_prob(x);
      },
      f64({0.5, -1.0, 2.0}));
  expect_gradient_matches(
      [&](const at::Tensor& l) {
        return MultivariateNormal(f64({0.5, -1.0, 2.0}), l.tril(), Kind::kScaleTril, false)
            .log_prob(x);
      },
      tril);
  expect_gradient_matches(
      [&](const at::Tensor& c) {
        return MultivariateNormal(f64({0.5, -1.0, 2.0}), (c + c.transpose(0, 1)) / 2,
                                  Kind::kCovariance, false)
            .log_prob(x);
      },
      covariance3());
  const at::Tensor loc = f64({0.0, 1.0, 2.0}).requires_grad_();
  const MultivariateNormal m(loc, tril, Kind::kScaleTril, true);
  seed_global_generator(2);
  m.rsample({10}).sum().backward();
  EXPECT_TRUE(at::allclose(loc.grad(), at::full({3}, 10.0, at::kDouble)));
}

TEST(MultivariateNormal, ValidationNamesTheMatrixAndBatchElement) {
  const at::Tensor not_pd = f64({1.0, 0.0, 0.0, -2.0}).reshape({2, 2});
  const at::Tensor batch = at::stack({at::eye(2, at::kDouble), not_pd});
  const at::Tensor loc = at::zeros({2}, at::kDouble);
  EXPECT_EQ(error_of([&] { mvn(loc, "covariance_matrix", batch); }),
            "MultivariateNormal(): covariance_matrix must be positive definite, but it is not "
            "(batch element (1,) is not)");
  EXPECT_EQ(error_of([&] { mvn(loc, "covariance_matrix", not_pd); }),
            "MultivariateNormal(): covariance_matrix must be positive definite, but it is not "
            "(its smallest eigenvalue is -2.0)");
  EXPECT_EQ(error_of([&] { mvn(loc, "precision_matrix", batch); }),
            "MultivariateNormal(): precision_matrix must be positive definite, but it is not "
            "(batch element (1,) is not)");
  EXPECT_EQ(error_of([&] { mvn(loc, "scale_tril", not_pd); }),
            "MultivariateNormal(): scale_tril must be lower triangular with a positive diagonal, "
            "but it is not");
  EXPECT_EQ(error_of([&] {
              mvn(loc, "covariance_matrix", f64({1.0, 0.5, 0.0, 1.0}).reshape({2, 2}));
            }),
            "MultivariateNormal(): covariance_matrix must be symmetric, but it is not");
  EXPECT_EQ(error_of([&] {
              mvn(at::zeros({3}, at::kDouble), "covariance_matrix", at::eye(2, at::kDouble));
            }),
            "MultivariateNormal(): loc of shape (3,) and covariance_matrix of shape (2, 2) do not "
            "match: the last dim of loc must equal the matrix size");
  EXPECT_EQ(error_of([&] { call_builtin("MultivariateNormal", {tensor_value(loc)}); }),
            "MultivariateNormal(): give exactly one of covariance_matrix, precision_matrix and "
            "scale_tril");
  EXPECT_EQ(error_of([&] {
              mvn(at::scalar_tensor(0.0, at::kDouble), "scale_tril", at::eye(2, at::kDouble));
            }),
            "MultivariateNormal(): loc must be at least 1-dimensional (a vector with optional "
            "leading batch dims), got shape ()");
}

// ---- LowRankMultivariateNormal

TEST(LowRankMultivariateNormal, MatchesTheEquivalentFullCovariance) {
  const at::Tensor loc = f64({0.5, -1.0, 2.0});
  const at::Tensor w =
      f64({0.3, -0.2, 1.0, 0.4, -0.5, 0.1, 0.0, 0.7, 0.2, 0.2, 1.1, -0.3}).reshape({2, 3, 2});
  const at::Tensor diag = f64({0.5, 1.0, 0.2});
  const Value lr = call_builtin("LowRankMultivariateNormal",
                                {tensor_value(loc), tensor_value(w), tensor_value(diag)});
  EXPECT_EQ(D(lr).batch_shape(), std::vector<int64_t>({2}));
  EXPECT_EQ(D(lr).event_shape(), std::vector<int64_t>({3}));
  const at::Tensor cov = at::matmul(w, w.transpose(-2, -1)) + at::diag_embed(diag);
  seed_global_generator(5);
  const at::Tensor x = at::randn({4, 2, 3}, at::kDouble);
  const at::Tensor lp = D(lr).log_prob(x);
  ASSERT_EQ(lp.sizes(), at::IntArrayRef({4, 2}));
  const Value full = mvn(loc, "covariance_matrix", cov);
  for (int64_t b = 0; b < 2; ++b)
    EXPECT_TRUE(at::allclose(lp.select(1, b), gaussian_log_density(x.select(1, b), loc, cov[b]),
                             1e-10, 1e-10));
  EXPECT_TRUE(at::allclose(D(lr).entropy(), D(full).entropy(), 1e-10, 1e-10));
  EXPECT_TRUE(at::allclose(D(lr).variance(), D(full).variance(), 1e-10, 1e-10));
  EXPECT_TRUE(at::allclose(T(get_attr(lr, "covariance_matrix")), cov, 1e-10, 1e-10));
  EXPECT_TRUE(at::allclose(T(get_attr(lr, "precision_matrix")), at::linalg_inv(cov), 1e-9, 1e-9));
  EXPECT_TRUE(at::allclose(T(get_attr(lr, "scale_tril")), at::linalg_cholesky(cov), 1e-10, 1e-10));
  expect_gradient_matches(
      [&](const at::Tensor& p) {
        return LowRankMultivariateNormal(loc, p.slice(0, 0, 12).reshape({2, 3, 2}), p.slice(0, 12),
                                         false)
            .log_prob(x);
      },
      at::cat({w.reshape({-1}), diag}));
}

TEST(LowRankMultivariateNormal, SampleMomentsWithinMonteCarloError) {
  const at::Tensor loc = f64({0.5, -1.0, 2.0});
  const at::Tensor w = f64({0.3, -0.2, 1.0, 0.4, -0.5, 0.1}).reshape({3, 2});
  const at::Tensor diag = f64({0.5, 1.0, 0.2});
  const at::Tensor cov = at::matmul(w, w.transpose(0, 1)) + at::diag(diag);
  const LowRankMultivariateNormal lr(loc, w, diag, true);
  seed_global_generator(6);
  const at::Tensor x = lr.sample({kDraws});
  expect_mean_within_error(x, loc);
  const at::Tensor centered = x - loc;
  expect_mean_within_error(centered.pow(2), cov.diagonal());
  expect_mean_within_error(centered.select(1, 0) * centered.select(1, 2), cov[0][2].reshape({}));
  EXPECT_EQ(error_of([&] {
              call_builtin("LowRankMultivariateNormal", {tensor_value(loc), tensor_value(w),
                                                         tensor_value(f64({0.5, 0.0, 1.0}))});
            }),
            "LowRankMultivariateNormal(): cov_diag must be positive, but cov_diag[1] = 0.0");
}

// ---- Dirichlet

TEST(Dirichlet, LogProbMatchesTheLgammaFormula) {
  const std::vector<double> alpha = {0.7, 2.0, 3.5};
  const std::vector<double> x = {0.2, 0.5, 0.3};
  double expected = std::lgamma(alpha[0] + alpha[1] + alpha[2]);
  for (int k = 0; k < 3; ++k) expected += (alpha[k] - 1) * std::log(x[k]) - std::lgamma(alpha[k]);
  const Value d = call_builtin("Dirichlet", {vec(alpha)});
  EXPECT_EQ(D(d).event_shape(), std::vector<int64_t>({3}));
  EXPECT_NEAR(D(d).log_prob(f64(x)).item<double>(), expected, 1e-12);
  const double total = 6.2;
  EXPECT_TRUE(at::allclose(D(d).mean(), f64(alpha) / total));
  const Value batched = call_builtin("Dirichlet", {tensor_value(f64(alpha).expand({2, 3}))});
  EXPECT_EQ(D(batched).batch_shape(), std::vector<int64_t>({2}));
  EXPECT_EQ(D(batched).log_prob(f64(x)).sizes(), at::IntArrayRef({2}));
  expect_gradient_matches([&](const at::Tensor& a) { return Dirichlet(a, false).log_prob(f64(x)); },
                          f64(alpha));
}

TEST(Dirichlet, SampleMeanAndEntropyWithinMonteCarloError) {
  const at::Tensor alpha = f64({0.7, 2.0, 3.5});
  const Dirichlet d(alpha, true);
  seed_global_generator(8);
  const at::Tensor x = d.sample({kDraws});
  EXPECT_TRUE(at::allclose(x.sum(-1), at::ones({kDraws}, at::kDouble), 1e-12, 1e-12));
  expect_mean_within_error(x, d.mean());
  expect_mean_within_error((x - d.mean()).pow(2), d.variance());
  expect_mean_within_error(-d.log_prob(x), d.entropy().reshape({}));
}

// d/d alpha_j E[X_1] = (delta_1j alpha_0 - alpha_1) / alpha_0^2, estimated by
// averaging the pathwise gradients of independent draws (each with its own
// copy of alpha, so the per-draw gradients give the standard error).
TEST(Dirichlet, RsampleGradientMatchesTheDerivativeOfTheMean) {
  const at::Tensor alpha = f64({0.7, 2.0, 3.5});
  const double total = 6.2;
  const at::Tensor per_draw = alpha.expand({kDraws, 3}).clone().requires_grad_();
  seed_global_generator(9);
  Dirichlet(per_draw, false).rsample({}).select(-1, 0).sum().backward();
  const at::Tensor grads = per_draw.grad();
  const at::Tensor expected =
      f64({(total - 0.7) / (total * total), -0.7 / (total * total), -0.7 / (total * total)});
  expect_mean_within_error(grads, expected);
}

TEST(Dirichlet, ValidationMessages) {
  EXPECT_EQ(error_of([] {
              call_builtin("Dirichlet", {vec({1.0, -1.0})});
            }),
            "Dirichlet(): concentration must be positive, but concentration[1] = -1.0");
  EXPECT_EQ(error_of([] { call_builtin("Dirichlet", {Value(1.0)}); }),
            "Dirichlet(): concentration must be at least 1-dimensional (a vector of K categories "
            "with optional leading batch dims), got shape ()");
  const Value d = call_builtin("Dirichlet", {vec({1.0, 2.0})});
  EXPECT_EQ(error_of([&] {
              D(d).log_prob(f64({0.5, 0.6}));
            }).rfind("Dirichlet.log_prob(): value is outside the support", 0),
            0u);
}

// ---- LKJCholesky

at::Tensor corr_cholesky_2x2(const at::Tensor& r) {
  const at::Tensor zeros = at::zeros_like(r);
  return at::stack(
      {at::stack({at::ones_like(r), zeros}, -1), at::stack({r, (1 - r * r).sqrt()}, -1)}, -2);
}

// For dim 2 the factor is [[1, 0], [r, sqrt(1 - r^2)]] and the density of
// the correlation r is (1 - r^2)^(eta - 1) / B(1/2, eta) on (-1, 1).
TEST(LKJCholesky, TwoByTwoIsTheBetaDensityOfTheCorrelation) {
  const double eta = 2.5, r = 0.3;
  const Value lkj = call_builtin("LKJCholesky", {Value(2), num(eta)});
  const double log_beta = std::lgamma(0.5) + std::lgamma(eta) - std::lgamma(eta + 0.5);
  const at::Tensor l = corr_cholesky_2x2(at::scalar_tensor(r, at::kDouble));
  EXPECT_NEAR(D(lkj).log_prob(l).item<double>(), (eta - 1) * std::log(1 - r * r) - log_beta, 1e-12);
  const at::Tensor rs = at::linspace(-1 + 1e-12, 1 - 1e-12, 20001, at::kDouble);
  const at::Tensor mass = at::trapezoid(D(lkj).log_prob(corr_cholesky_2x2(rs)).exp(), rs);
  EXPECT_NEAR(mass.item<double>(), 1.0, 1e-6);
  EXPECT_EQ(to_str(lkj), "LKJCholesky(dim: 2, concentration: 2.5)");
  EXPECT_EQ(to_str(get_attr(lkj, "dim")), "2");
}

// The density is over the dim(dim-1)/2 entries below the diagonal (the
// diagonal follows from unit rows): integrate it by uniform draws on the
// cube [-1, 1]^m, zero outside the set of valid factors.
TEST(LKJCholesky, IntegratesToOneInThreeAndFourDimensions) {
  for (const auto& [dim, eta] : std::vector<std::pair<int64_t, double>>{{3, 2.0}, {4, 1.5}}) {
    const int64_t m = dim * (dim - 1) / 2;
    seed_global_generator(12);
    const at::Tensor u = at::rand({kDraws, m}, at::kDouble) * 2 - 1;
    at::Tensor below = at::zeros({kDraws, dim, dim}, at::kDouble);
    const at::Tensor rows = at::tril_indices(dim, dim, -1);
    below.index_put_({at::indexing::Slice(), rows[0], rows[1]}, u);
    const at::Tensor norms = below.pow(2).sum(-1);
    const at::Tensor valid = (norms < 1).all(-1);
    const at::Tensor l = below + at::diag_embed((1 - norms).clamp_min(0).sqrt());
    const Value lkj = call_builtin("LKJCholesky", {Value(dim), num(eta)});
    at::Tensor density = at::zeros({kDraws}, at::kDouble);
    density.index_put_({valid}, D(lkj).log_prob(l.index({valid})).exp());
    const at::Tensor integrand = density * std::pow(2.0, static_cast<double>(m));
    expect_mean_within_error(integrand.unsqueeze(1), at::ones({1}, at::kDouble));
  }
}

// Each correlation C_ij of an LKJ(eta) matrix has (C_ij + 1)/2 ~ Beta(b, b)
// with b = eta - 1 + dim/2: E C_ij = 0, E C_ij^2 = 1/(2b + 1).
TEST(LKJCholesky, SampledCorrelationsHaveTheirMarginalMoments) {
  const int64_t dim = 3;
  const double eta = 2.0, b = eta - 1 + dim / 2.0;
  const Value lkj = call_builtin("LKJCholesky", {Value(dim), num(eta)});
  seed_global_generator(13);
  const at::Tensor l = D(lkj).sample({kDraws});
  ASSERT_EQ(l.sizes(), at::IntArrayRef({kDraws, 3, 3}));
  EXPECT_LT((l.pow(2).sum(-1) - 1).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(D(lkj).log_prob(l.slice(0, 0, 100)).isfinite().all().item<bool>());
  const at::Tensor c = at::matmul(l, l.transpose(-2, -1));
  const at::Tensor r = at::stack(
      {c.select(1, 1).select(1, 0), c.select(1, 2).select(1, 0), c.select(1, 2).select(1, 1)}, 1);
  expect_mean_within_error(r, at::zeros({3}, at::kDouble));
  expect_mean_within_error(r.pow(2), at::full({3}, 1 / (2 * b + 1), at::kDouble));
  EXPECT_EQ(error_of([] { call_builtin("LKJCholesky", {Value(1)}); }),
            "LKJCholesky(): dim must be an integer >= 2, got 1");
  expect_gradient_matches(
      [&](const at::Tensor& e) { return LKJCholesky(3, e, false).log_prob(l.slice(0, 0, 3)); },
      f64({0.7}).reshape({}));
}

// ---- Delta

TEST(Delta, ScoresItsLogDensityAtItsPointOnly) {
  const Value d = call_builtin("Delta", {vec({1.0, 2.0})}, {{"log_density", Value(0.5)}});
  const at::Tensor lp = D(d).log_prob(f64({1.0, 3.0}));
  EXPECT_DOUBLE_EQ(lp[0].item<double>(), 0.5);
  EXPECT_TRUE(std::isinf(lp[1].item<double>()) && lp[1].item<double>() < 0);
  const Value event = call_builtin("Delta", {vec({1.0, 2.0}), num(0.25), Value(1)});
  EXPECT_TRUE(D(event).batch_shape().empty());
  EXPECT_DOUBLE_EQ(D(event).log_prob(f64({1.0, 2.0})).item<double>(), 0.25);
  EXPECT_EQ(D(event).rsample({3}).sizes(), at::IntArrayRef({3, 2}));
  EXPECT_EQ(to_str(event), "Delta(v: shape (2,), log_density: 0.25)");
  EXPECT_EQ(error_of([] {
              call_builtin("Delta", {vec({1.0})}, {{"event_dim", Value(2)}});
            }),
            "Delta(): event_dim must be between 0 and v.dim() = 1, got 2");
  EXPECT_EQ(error_of([] {
              call_builtin("Delta", {vec({1.0, 2.0})}, {{"log_density", vec({0.0, 0.0, 0.0})}});
            }),
            "Delta(): log_density of shape (3,) does not broadcast to the batch shape (2,)");
}

// ---- Independent (to_event)

TEST(Independent, ToEventSumsLogProbAndEntropyOverReinterpretedDims) {
  const at::Tensor loc = f64({0.0, 1.0, -1.0, 0.5, 2.0, 0.1}).reshape({2, 3});
  const Value base = normal(tensor_value(loc), num(1.5));
  const Value ind = call_method_of(base, "to_event", {Value(1)});
  EXPECT_EQ(D(ind).name(), "Independent");
  EXPECT_EQ(D(ind).batch_shape(), std::vector<int64_t>({2}));
  EXPECT_EQ(D(ind).event_shape(), std::vector<int64_t>({3}));
  EXPECT_EQ(as_constraint(D(ind).support())->event_dim(), 1);
  EXPECT_TRUE(D(ind).has_rsample());
  seed_global_generator(3);
  const at::Tensor x = at::randn({5, 2, 3}, at::kDouble);
  EXPECT_TRUE(at::allclose(D(ind).log_prob(x), D(base).log_prob(x).sum(-1)));
  EXPECT_TRUE(at::allclose(D(ind).entropy(), D(base).entropy().sum(-1)));
  EXPECT_EQ(D(ind).sample({4}).sizes(), at::IntArrayRef({4, 2, 3}));

  // to_event() takes every batch dim; nested wrappers collapse into one.
  const Value all = call_method_of(base, "to_event");
  EXPECT_TRUE(D(all).batch_shape().empty());
  const Value nested = D(ind).to_event(1);
  EXPECT_EQ(D(nested).event_shape(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(dynamic_cast<const Independent&>(D(nested)).reinterpreted_dims(), 2);
  EXPECT_TRUE(at::allclose(D(nested).log_prob(x), D(base).log_prob(x).sum({-2, -1})));

  // Plates expand the batch part and keep the event.
  const Value expanded = D(ind).expand({4, 2});
  EXPECT_EQ(D(expanded).batch_shape(), std::vector<int64_t>({4, 2}));
  EXPECT_EQ(D(expanded).event_shape(), std::vector<int64_t>({3}));

  const Value built = call_builtin("Independent", {base, Value(2)});
  EXPECT_TRUE(at::allclose(D(built).log_prob(x), D(all).log_prob(x)));
  EXPECT_EQ(error_of([&] {
              call_builtin("Independent", {base, Value(3)});
            }),
            "Independent(): reinterpreted_batch_ndims must be between 0 and 2 (the batch dims of "
            "Normal with batch shape (2, 3)), got 3");
}

// ---- MaskedDistribution (mask)

TEST(MaskedDistribution, MaskZeroesLogProbEvenWhereTheBaseGivesMinusInfinity) {
  const Value base = normal(vec({0.0, 1.0, 2.0}), num(1.0));
  const Value masked = D(base).mask(bools({1, 0, 1}));
  const at::Tensor x = f64({0.3, 0.4, 0.5});
  const at::Tensor lp = D(masked).log_prob(x);
  const at::Tensor base_lp = D(base).log_prob(x);
  EXPECT_DOUBLE_EQ(lp[0].item<double>(), base_lp[0].item<double>());
  EXPECT_EQ(lp[1].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(lp[2].item<double>(), base_lp[2].item<double>());

  const Value delta = call_builtin("Delta", {vec({1.0, 2.0, 3.0})});
  const at::Tensor delta_lp = D(D(delta).mask(bools({1, 0, 1}))).log_prob(f64({1.0, 5.0, 3.0}));
  EXPECT_TRUE(at::equal(delta_lp, at::zeros({3}, at::kDouble)));

  const Value broadcast = D(base).mask(bools({1, 0}).reshape({2, 1}));
  EXPECT_EQ(D(broadcast).batch_shape(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(D(broadcast).log_prob(x).sizes(), at::IntArrayRef({2, 3}));
  const Value none = call_method_of(base, "mask", {Value(false)});
  EXPECT_TRUE(at::equal(D(none).log_prob(x), at::zeros({3}, at::kDouble)));
  EXPECT_EQ(error_of([&] {
              D(base).mask(bools({1, 0, 1, 1}));
            }),
            "Normal.mask(): mask of shape (4,) does not broadcast with the batch shape (3,)");
}

// ---- MixtureSameFamily

TEST(MixtureSameFamily, LogProbIsTheLogOfTheWeightedComponentDensities) {
  const std::vector<double> w = {0.2, 0.3, 0.5}, mu = {-1.0, 0.5, 2.0}, sigma = {0.5, 1.0, 0.8};
  const Value mix = call_builtin(
      "MixtureSameFamily", {call_builtin("Categorical", {vec(w)}), normal(vec(mu), vec(sigma))});
  EXPECT_TRUE(D(mix).batch_shape().empty());
  const std::vector<double> xs = {-0.7, 0.1, 1.9, 3.0};
  const at::Tensor lp = D(mix).log_prob(f64(xs));
  double mean = 0, second = 0;
  for (int j = 0; j < 3; ++j) {
    mean += w[j] * mu[j];
    second += w[j] * (sigma[j] * sigma[j] + mu[j] * mu[j]);
  }
  for (size_t i = 0; i < xs.size(); ++i) {
    double density = 0;
    for (int j = 0; j < 3; ++j)
      density += w[j] * std::exp(-std::pow(xs[i] - mu[j], 2) / (2 * sigma[j] * sigma[j])) /
                 (sigma[j] * std::sqrt(2 * M_PI));
    EXPECT_NEAR(lp[i].item<double>(), std::log(density), 1e-12) << xs[i];
  }
  EXPECT_NEAR(D(mix).mean().item<double>(), mean, 1e-12);
  EXPECT_NEAR(D(mix).variance().item<double>(), second - mean * mean, 1e-12);
  seed_global_generator(14);
  const at::Tensor draws = D(mix).sample({kDraws});
  ASSERT_EQ(draws.sizes(), at::IntArrayRef({kDraws}));
  expect_mean_within_error(draws.unsqueeze(1), f64({mean}));
  expect_mean_within_error((draws - mean).pow(2).unsqueeze(1), f64({second - mean * mean}));
}

TEST(MixtureSameFamily, MultivariateComponentsAndBatches) {
  const at::Tensor locs = f64({0.0, 0.0, 0.0, 1.0, -1.0, 2.0}).reshape({2, 3});
  const at::Tensor cov = covariance3();
  const Value mix = call_builtin(
      "MixtureSameFamily",
      {call_builtin("Categorical", {vec({0.4, 0.6})}), mvn(locs, "covariance_matrix", cov)});
  EXPECT_TRUE(D(mix).batch_shape().empty());
  EXPECT_EQ(D(mix).event_shape(), std::vector<int64_t>({3}));
  const at::Tensor x = f64({0.5, -0.5, 1.0});
  const double expected =
      std::log(0.4 * std::exp(gaussian_log_density(x, locs[0], cov).item<double>()) +
               0.6 * std::exp(gaussian_log_density(x, locs[1], cov).item<double>()));
  EXPECT_NEAR(D(mix).log_prob(x).item<double>(), expected, 1e-12);
  EXPECT_EQ(D(mix).sample({5}).sizes(), at::IntArrayRef({5, 3}));
  EXPECT_TRUE(at::allclose(D(mix).mean(), 0.4 * locs[0] + 0.6 * locs[1]));

  const Value batched = call_builtin(
      "MixtureSameFamily", {call_builtin("Categorical", {vec({0.4, 0.6})}),
                            normal(tensor_value(at::zeros({4, 2}, at::kDouble)), num(1.0))});
  EXPECT_EQ(D(batched).batch_shape(), std::vector<int64_t>({4}));
  EXPECT_EQ(D(batched).sample({3}).sizes(), at::IntArrayRef({3, 4}));
  EXPECT_EQ(D(D(batched).expand({5, 4})).log_prob(f64({0.1})).sizes(), at::IntArrayRef({5, 4}));

  EXPECT_EQ(error_of([] {
              call_builtin("MixtureSameFamily",
                           {normal(num(0.0), num(1.0)), normal(vec({0.0, 1.0}), num(1.0))});
            }),
            "MixtureSameFamily(): mixture_distribution must be a Categorical, got Normal");
  EXPECT_EQ(error_of([] {
              call_builtin("MixtureSameFamily", {call_builtin("Categorical", {vec({0.5, 0.5})}),
                                                 normal(vec({0.0, 1.0, 2.0}), num(1.0))});
            }),
            "MixtureSameFamily(): mixture_distribution has 2 categories but component_distribution "
            "has 3 components (the rightmost dim of its batch shape (3,))");
}

// ---- TransformedDistribution

TEST(TransformedDistribution, ExpOfANormalHasTheLogNormalDensity) {
  const double mu = 0.3, sigma = 0.8;
  const Value td =
      call_builtin("TransformedDistribution", {normal(num(mu), num(sigma)), exp_transform()});
  EXPECT_EQ(as_constraint(D(td).support())->kind(), ConstraintKind::kPositive);
  EXPECT_TRUE(D(td).has_rsample());
  const std::vector<double> ys = {0.5, 1.0, 2.5};
  const at::Tensor lp = D(td).log_prob(f64(ys));
  for (size_t i = 0; i < ys.size(); ++i) {
    const double z = std::log(ys[i]);
    const double expected =
        -z - std::log(sigma) - 0.5 * kLogTwoPi - (z - mu) * (z - mu) / (2 * sigma * sigma);
    EXPECT_NEAR(lp[i].item<double>(), expected, 1e-12) << ys[i];
  }
  seed_global_generator(15);
  EXPECT_GT(D(td).sample({1000}).min().item<double>(), 0.0);

  // y = exp(1 + 2x): x = (log y - 1)/2 and log|dy/dx| = log 2 + log y.
  const Value chain = call_builtin(
      "TransformedDistribution",
      {normal(num(mu), num(sigma)), list_of({affine_transform(at::scalar_tensor(1.0, at::kDouble),
                                                              at::scalar_tensor(2.0, at::kDouble)),
                                             exp_transform()})});
  const double y = 1.7, x = (std::log(y) - 1) / 2;
  const double expected = -(x - mu) * (x - mu) / (2 * sigma * sigma) - std::log(sigma) -
                          0.5 * kLogTwoPi - std::log(2.0) - std::log(y);
  EXPECT_NEAR(D(chain).log_prob(f64({y})).item<double>(), expected, 1e-12);
}

TEST(TransformedDistribution, VectorTransformsMakeTheBaseIndependent) {
  // Stick-breaking maps R^2 to the simplex in R^3: a batch of two Normals
  // becomes one event of three coordinates.
  const Value td = call_builtin(
      "TransformedDistribution",
      {normal(tensor_value(at::zeros({2}, at::kDouble)), num(1.0)), stick_breaking_transform()});
  EXPECT_TRUE(D(td).batch_shape().empty());
  EXPECT_EQ(D(td).event_shape(), std::vector<int64_t>({3}));
  seed_global_generator(16);
  const at::Tensor y = D(td).sample({7});
  EXPECT_EQ(y.sizes(), at::IntArrayRef({7, 3}));
  EXPECT_TRUE(at::allclose(y.sum(-1), at::ones({7}, at::kDouble)));
  const at::Tensor lp = D(td).log_prob(y);
  EXPECT_EQ(lp.sizes(), at::IntArrayRef({7}));
  EXPECT_TRUE(lp.isfinite().all().item<bool>());
  EXPECT_EQ(error_of([] {
              call_builtin("TransformedDistribution", {normal(num(0.0), num(1.0)), Value(1.0)});
            }),
            "TransformedDistribution(): argument 'transforms' must be a transform or a list of "
            "transforms, got float");
}

// ---- kl_divergence

// KL(p || q) against the mean of log p(x) - log q(x) over draws of p, per
// batch element, within 5 standard errors (plus `floor` for a log ratio
// that is constant).
void expect_kl_matches_monte_carlo(const Value& p, const Value& q, uint64_t seed,
                                   double floor = 0.0) {
  ASSERT_TRUE(has_analytic_kl(D(p), D(q))) << to_str(p) << " " << to_str(q);
  seed_global_generator(seed);
  const at::Tensor x = D(p).sample({kDraws});
  const at::Tensor ratio = D(p).log_prob(x) - D(q).log_prob(x);
  const at::Tensor kl = kl_divergence(D(p), D(q)).to(at::kDouble);
  expect_mean_within_error(ratio, kl.expand(ratio.sizes().slice(1)), floor);
}

TEST(KlDivergence, ContinuousPairsMatchMonteCarlo) {
  expect_kl_matches_monte_carlo(normal(vec({0.3, 1.0}), vec({1.2, 0.5})),
                                normal(num(-0.5), num(0.8)), 21);
  expect_kl_matches_monte_carlo(call_builtin("LogNormal", {num(0.2), num(0.5)}),
                                call_builtin("LogNormal", {num(0.0), num(0.7)}), 22);
  expect_kl_matches_monte_carlo(call_builtin("HalfNormal", {num(1.0)}),
                                call_builtin("HalfNormal", {num(2.0)}), 23);
  expect_kl_matches_monte_carlo(call_builtin("Laplace", {num(0.0), num(1.0)}),
                                call_builtin("Laplace", {num(0.5), num(2.0)}), 24);
  expect_kl_matches_monte_carlo(call_builtin("Gumbel", {num(0.3), num(1.2)}),
                                call_builtin("Gumbel", {num(-0.5), num(0.8)}), 25);
  expect_kl_matches_monte_carlo(call_builtin("Exponential", {num(1.5)}),
                                call_builtin("Exponential", {num(0.7)}), 26);
  expect_kl_matches_monte_carlo(call_builtin("Gamma", {num(2.0), num(1.5)}),
                                call_builtin("Gamma", {num(3.0), num(1.0)}), 27);
  expect_kl_matches_monte_carlo(call_builtin("Beta", {num(2.0), num(3.0)}),
                                call_builtin("Beta", {num(1.5), num(1.2)}), 28);
  expect_kl_matches_monte_carlo(call_builtin("Dirichlet", {vec({1.5, 2.0, 0.8})}),
                                call_builtin("Dirichlet", {vec({1.0, 1.0, 1.0})}), 29);
}

TEST(KlDivergence, UniformIsTheLogRatioOfWidthsOrInfinite) {
  const Value p = call_builtin("Uniform", {num(0.0), num(1.0)});
  expect_kl_matches_monte_carlo(p, call_builtin("Uniform", {num(-1.0), num(2.0)}), 30, 1e-12);
  EXPECT_NEAR(kl_divergence(D(p), D(call_builtin("Uniform", {num(-1.0), num(2.0)}))).item<double>(),
              std::log(3.0), 1e-12);
  EXPECT_TRUE(std::isinf(
      kl_divergence(D(p), D(call_builtin("Uniform", {num(0.5), num(2.0)}))).item<double>()));
}

TEST(KlDivergence, DiscretePairsMatchMonteCarlo) {
  expect_kl_matches_monte_carlo(call_builtin("Bernoulli", {num(0.3)}),
                                call_builtin("Bernoulli", {num(0.6)}), 31);
  expect_kl_matches_monte_carlo(call_builtin("Binomial", {Value(10), num(0.3)}),
                                call_builtin("Binomial", {Value(10), num(0.5)}), 32);
  expect_kl_matches_monte_carlo(call_builtin("Geometric", {num(0.3)}),
                                call_builtin("Geometric", {num(0.6)}), 33);
  expect_kl_matches_monte_carlo(call_builtin("Poisson", {num(3.0)}),
                                call_builtin("Poisson", {num(4.5)}), 34);
  expect_kl_matches_monte_carlo(call_builtin("Categorical", {vec({0.2, 0.3, 0.5})}),
                                call_builtin("Categorical", {vec({0.4, 0.4, 0.2})}), 35);
  expect_kl_matches_monte_carlo(call_builtin("OneHotCategorical", {vec({0.2, 0.3, 0.5})}),
                                call_builtin("OneHotCategorical", {vec({0.4, 0.4, 0.2})}), 36);
  // Mass where q has none: infinite.
  EXPECT_TRUE(std::isinf(kl_divergence(D(call_builtin("Bernoulli", {num(0.3)})),
                                       D(call_builtin("Bernoulli", {num(0.0)})))
                             .item<double>()));
}

TEST(KlDivergence, GaussianPairsMatchMonteCarlo) {
  const at::Tensor mu = f64({0.5, -1.0, 2.0});
  const Value p = mvn(mu, "covariance_matrix", covariance3());
  const Value q = mvn(f64({0.0, 0.0, 1.0}), "scale_tril",
                      f64({1.0, 0.0, 0.0, 0.5, 1.2, 0.0, -0.3, 0.2, 0.9}).reshape({3, 3}));
  expect_kl_matches_monte_carlo(p, q, 37);
  const at::Tensor w = f64({0.3, -0.2, 1.0, 0.4, -0.5, 0.1}).reshape({3, 2});
  const Value low_rank = call_builtin("LowRankMultivariateNormal",
                                      {tensor_value(mu), tensor_value(w), vec({0.5, 1.0, 0.2})});
  expect_kl_matches_monte_carlo(low_rank, q, 38);
  expect_kl_matches_monte_carlo(q, low_rank, 39);
  // As in PyTorch, no pair is registered between Independent Normals and a
  // MultivariateNormal.
  const Value as_normals = normal(tensor_value(mu), vec({1.2, 0.5, 0.8}));
  EXPECT_FALSE(has_analytic_kl(D(D(as_normals).to_event(1)), D(q)));
  EXPECT_EQ(error_of([&] {
              kl_divergence(D(p), D(mvn(f64({0.0, 0.0}), "scale_tril", at::eye(2, at::kDouble))));
            }),
            "kl_divergence(): MultivariateNormal and MultivariateNormal have different event "
            "shapes (3,) and (2,)");
  expect_gradient_matches(
      [&](const at::Tensor& loc) {
        using Kind = MultivariateNormal::MatrixKind;
        return kl_divergence(MultivariateNormal(loc, covariance3(), Kind::kCovariance, false),
                             D(q));
      },
      mu);
}

TEST(KlDivergence, WrappersSumOverEventsAndRespectMasks) {
  const at::Tensor pl = f64({0.0, 1.0, -1.0, 0.5, 2.0, 0.1}).reshape({2, 3});
  const Value p_base = normal(tensor_value(pl), num(1.5));
  const Value q_base = normal(num(0.2), vec({0.7, 1.0, 2.0}));
  const at::Tensor base_kl = kl_divergence(D(p_base), D(q_base));
  ASSERT_EQ(base_kl.sizes(), at::IntArrayRef({2, 3}));
  const Value p = D(p_base).to_event(1);
  const Value q = D(D(q_base).expand({2, 3})).to_event(1);
  EXPECT_TRUE(at::allclose(kl_divergence(D(p), D(q)), base_kl.sum(-1)));
  expect_kl_matches_monte_carlo(p, q, 40);
  // Nested to_event collapses: both reinterpret both dims, summed together.
  EXPECT_TRUE(at::allclose(kl_divergence(D(D(p).to_event(1)), D(D(q).to_event(1))), base_kl.sum()));

  const Value masked = D(p_base).mask(bools({1, 0, 1}));
  const at::Tensor masked_kl = kl_divergence(D(masked), D(q_base));
  EXPECT_TRUE(at::allclose(masked_kl, base_kl * f64({1.0, 0.0, 1.0})));
  EXPECT_TRUE(at::allclose(
      kl_divergence(D(D(masked).to_event(1)), D(D(D(q_base).expand({2, 3})).to_event(1))),
      (base_kl * f64({1.0, 0.0, 1.0})).sum(-1)))
      << "a mask inside to_event";

  expect_gradient_matches(
      [&](const at::Tensor& s) {
        return kl_divergence(Normal(f64({0.3, -0.2}), s, false),
                             Normal(f64({0.1, 0.1}), f64({0.9, 0.9}), false));
      },
      f64({1.1, 0.6}));
}

TEST(KlDivergence, UnknownPairsAreReportedWithAHint) {
  const Value student = call_builtin("StudentT", {num(3.0)});
  const Value n = normal(num(0.0), num(1.0));
  EXPECT_FALSE(has_analytic_kl(D(student), D(n)));
  EXPECT_EQ(error_of([&] { kl_divergence(D(student), D(n)); }),
            "no analytic KL divergence is known for StudentT and Normal; use a Monte Carlo estimate");
  EXPECT_EQ(error_of([&] {
              call_builtin("kl_divergence", {student, n});
            }),
            "no analytic KL divergence is known for StudentT and Normal; use a Monte Carlo estimate");
  EXPECT_NEAR(T(call_builtin("kl_divergence", {n, normal(num(1.0), num(1.0))})).item<double>(), 0.5,
              1e-12);
  EXPECT_EQ(error_of([&] {
              call_builtin("kl_divergence", {Value(1.0), n});
            }),
            "kl_divergence(): argument 'p' must be a distribution, got float");
}

}  // namespace
}  // namespace kiln::rt::testing
