// The continuous univariate distributions (LogNormal ... Weibull, and
// Normal's cdf/icdf): log_prob, moments, entropy and cdf against closed forms
// written here in double, icdf inverting cdf, draws whose moments and
// quantiles agree within their Monte Carlo error, rsample's pathwise
// gradients (exact for location-scale families, Monte Carlo for the implicit
// Gamma reparameterization), finite-difference gradients of log_prob, and
// the wording of validation errors.
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "gradcheck.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/random.h"

namespace kiln::rt::testing {
namespace {

// Draws per moment test; 5 standard errors keeps a false alarm below 1e-6.
constexpr int64_t kDraws = 100000;
constexpr double kStandardErrors = 5.0;
// Draws per pathwise-gradient test (each draw is one batch element).
constexpr int64_t kGradientDraws = 20000;
// Kiln and the closed forms below compute the same quantities in float64 by
// different routes; they agree to rounding, far below this (relative,
// floored at 1 so that values near 0 are compared absolutely).
constexpr double kClosedFormTolerance = 1e-9;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kEulerGamma = 0.57721566490153286060651209;

const Distribution& D(const Value& v) { return *as_distribution(v); }

at::Tensor f64(const std::vector<double>& v) { return at::tensor(v, at::kDouble); }
at::Tensor f64(double x) { return at::scalar_tensor(x, at::kDouble); }

// ------------------------------------------------------ closed forms in double

// digamma(x) for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to
// x >= 10, then the asymptotic series, whose first omitted term is below 1e-14 there.
double digamma(double x) {
  double shift = 0;
  for (; x < 10; x += 1) shift -= 1 / x;
  const double f = 1 / (x * x);
  return shift + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

double log_beta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

// a log(x) with 0 log(0) = 0, the convention of densities at the edge of
// their support (Gamma with concentration 1 at x = 0).
double xlogy(double a, double x) { return a == 0 ? 0 : a * std::log(x); }

double normal_log_density(double loc, double scale, double x) {
  const double z = (x - loc) / scale;
  return -0.5 * z * z - std::log(scale) - 0.5 * std::log(2 * M_PI);
}

double normal_cdf(double loc, double scale, double x) {
  return 0.5 * std::erfc(-(x - loc) / (scale * M_SQRT2));
}

using Params = std::vector<double>;
using ParamFunction = std::function<double(const Params&)>;
using PointFunction = std::function<double(const Params&, double)>;

// One distribution's closed forms and the parameters it is tested at.
struct Family {
  std::string name;  // the builtin, called with parameters in signature order
  PointFunction log_prob;
  ParamFunction mean, variance, entropy;  // empty: the distribution has none
  PointFunction cdf;                      // empty: no cdf/icdf
  Params scalar;                          // 0-dim parameters ...
  std::vector<double> scalar_values;      // ... scored at these values
  std::vector<Params> batch;              // batch shape (3,), one Params per element ...
  std::vector<double> batch_values;       // ... each scored at its value
  double gradient_value;                  // a point inside the support for finite differences
  Params sampling;                        // for draws: finite fourth moments where there are moments
};

const std::vector<Family>& families() {
  static const std::vector<Family> all = {
      {.name = "Normal",
       .log_prob = [](const Params& p, double x) { return normal_log_density(p[0], p[1], x); },
       .mean = [](const Params& p) { return p[0]; },
       .variance = [](const Params& p) { return p[1] * p[1]; },
       .entropy = [](const Params& p) { return 0.5 * std::log(2 * M_PI * M_E * p[1] * p[1]); },
       .cdf = [](const Params& p, double x) { return normal_cdf(p[0], p[1], x); },
       .scalar = {0.5, 1.3},
       .scalar_values = {0.3, -2.0, 4.1},
       .batch = {{-1.0, 0.5}, {0.0, 1.0}, {2.0, 2.5}},
       .batch_values = {0.1, -0.7, 5.0},
       .gradient_value = 0.3,
       .sampling = {0.5, 1.3}},
      {.name = "LogNormal",
       .log_prob = [](const Params& p,
                      double x) { return normal_log_density(p[0], p[1], std::log(x)) - std::log(x); },
       .mean = [](const Params& p) { return std::exp(p[0] + p[1] * p[1] / 2); },
       .variance =
           [](const Params& p) {
             const double s2 = p[1] * p[1];
             return (std::exp(s2) - 1) * std::exp(2 * p[0] + s2);
           },
       .entropy =
           [](const Params& p) { return p[0] + 0.5 * std::log(2 * M_PI * M_E * p[1] * p[1]); },
       .cdf = [](const Params& p, double x) { return normal_cdf(p[0], p[1], std::log(x)); },
       .scalar = {0.2, 0.8},
       .scalar_values = {0.3, 1.0, 4.5},
       .batch = {{-1.0, 0.5}, {0.0, 1.0}, {1.5, 0.25}},
       .batch_values = {0.2, 2.0, 4.0},
       .gradient_value = 1.3,
       .sampling = {0.2, 0.3}},
      {.name = "HalfNormal",
       .log_prob = [](const Params& p,
                      double x) { return std::log(2.0) + normal_log_density(0, p[0], x); },
       .mean = [](const Params& p) { return p[0] * std::sqrt(2 / M_PI); },
       .variance = [](const Params& p) { return p[0] * p[0] * (1 - 2 / M_PI); },
       .entropy = [](const Params& p) { return 0.5 * std::log(M_PI * M_E * p[0] * p[0] / 2); },
       .cdf = [](const Params& p, double x) { return std::erf(x / (p[0] * M_SQRT2)); },
       .scalar = {1.5},
       .scalar_values = {0.0, 0.7, 3.0},
       .batch = {{0.5}, {1.0}, {2.0}},
       .batch_values = {0.2, 1.1, 5.0},
       .gradient_value = 0.7,
       .sampling = {1.5}},
      {.name = "Cauchy",
       .log_prob =
           [](const Params& p, double x) {
             const double z = (x - p[0]) / p[1];
             return -std::log(M_PI * p[1] * (1 + z * z));
           },
       // No mean and no finite variance: nan and inf, as torch reports them.
       .mean = [](const Params&) { return std::nan(""); },
       .variance = [](const Params&) { return kInf; },
       .entropy = [](const Params& p) { return std::log(4 * M_PI * p[1]); },
       .cdf = [](const Params& p,
                 double x) { return 0.5 + std::atan((x - p[0]) / p[1]) / M_PI; },
       .scalar = {-0.5, 2.0},
       .scalar_values = {0.3, -40.0, 3.0},
       .batch = {{-1.0, 0.7}, {0.0, 0.7}, {2.0, 3.0}},
       .batch_values = {0.1, -0.5, 2.2},
       .gradient_value = 0.3,
       .sampling = {-0.5, 2.0}},
      {.name = "HalfCauchy",
       .log_prob =
           [](const Params& p, double x) {
             const double z = x / p[0];
             return std::log(2 / (M_PI * p[0] * (1 + z * z)));
           },
       .mean = [](const Params&) { return kInf; },
       .variance = [](const Params&) { return kInf; },
       .entropy = [](const Params& p) { return std::log(2 * M_PI * p[0]); },
       .cdf = [](const Params& p, double x) { return 2 / M_PI * std::atan(x / p[0]); },
       .scalar = {1.0},
       .scalar_values = {0.0, 0.7, 50.0},
       .batch = {{0.5}, {2.0}, {1.0}},
       .batch_values = {0.3, 1.0, 6.0},
       .gradient_value = 0.7,
       .sampling = {1.0}},
      {.name = "StudentT",
       .log_prob =
           [](const Params& p, double x) {
             const double df = p[0], z = (x - p[1]) / p[2];
             return std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * M_PI) -
                    std::log(p[2]) - (df + 1) / 2 * std::log(1 + z * z / df);
           },
       .mean = [](const Params& p) { return p[0] > 1 ? p[1] : kNaN; },
       .variance =
           [](const Params& p) {
             const double df = p[0];
             if (df <= 1) return kNaN;
             return df <= 2 ? kInf : p[2] * p[2] * df / (df - 2);
           },
       .entropy =
           [](const Params& p) {
             const double df = p[0];
             return (df + 1) / 2 * (digamma((df + 1) / 2) - digamma(df / 2)) +
                    std::log(std::sqrt(df)) + log_beta(df / 2, 0.5) + std::log(p[2]);
           },
       .cdf = nullptr,
       .scalar = {3.0, 0.5, 1.5},
       .scalar_values = {0.3, -4.0, 12.0},
       .batch = {{0.8, 1.0, 2.0}, {1.5, 1.0, 2.0}, {5.0, -1.0, 0.5}},
       .batch_values = {0.0, -3.0, 8.0},
       .gradient_value = 0.3,
       .sampling = {10.0, 1.0, 2.0}},
      {.name = "Laplace",
       .log_prob = [](const Params& p,
                      double x) { return -std::log(2 * p[1]) - std::fabs(x - p[0]) / p[1]; },
       .mean = [](const Params& p) { return p[0]; },
       .variance = [](const Params& p) { return 2 * p[1] * p[1]; },
       .entropy = [](const Params& p) { return std::log(2 * M_E * p[1]); },
       .cdf =
           [](const Params& p, double x) {
             const double z = (x - p[0]) / p[1];
             return z < 0 ? 0.5 * std::exp(z) : 1 - 0.5 * std::exp(-z);
           },
       .scalar = {0.5, 1.3},
       .scalar_values = {0.3, -2.0, 4.1},
       .batch = {{-1.0, 0.7}, {0.0, 1.0}, {2.0, 3.0}},
       .batch_values = {0.1, -0.5, 2.2},
       .gradient_value = 0.3,
       .sampling = {0.5, 1.3}},
      {.name = "Gumbel",
       .log_prob =
           [](const Params& p, double x) {
             const double z = (x - p[0]) / p[1];
             return -z - std::exp(-z) - std::log(p[1]);
           },
       .mean = [](const Params& p) { return p[0] + kEulerGamma * p[1]; },
       .variance = [](const Params& p) { return M_PI * M_PI * p[1] * p[1] / 6; },
       .entropy = [](const Params& p) { return std::log(p[1]) + kEulerGamma + 1; },
       .cdf = [](const Params& p,
                 double x) { return std::exp(-std::exp(-(x - p[0]) / p[1])); },
       .scalar = {0.5, 1.3},
       .scalar_values = {0.3, -2.0, 4.1},
       .batch = {{-1.0, 0.7}, {0.0, 1.0}, {2.0, 3.0}},
       .batch_values = {0.1, -0.5, 2.2},
       .gradient_value = 0.3,
       .sampling = {0.5, 1.3}},
      {.name = "Uniform",
       .log_prob = [](const Params& p, double) { return -std::log(p[1] - p[0]); },
       .mean = [](const Params& p) { return (p[0] + p[1]) / 2; },
       .variance = [](const Params& p) { return (p[1] - p[0]) * (p[1] - p[0]) / 12; },
       .entropy = [](const Params& p) { return std::log(p[1] - p[0]); },
       .cdf = [](const Params& p, double x) { return (x - p[0]) / (p[1] - p[0]); },
       .scalar = {-1.0, 2.0},
       .scalar_values = {-1.0, 0.5, 1.9},
       .batch = {{0.0, 3.0}, {1.0, 3.0}, {-2.0, 3.0}},
       .batch_values = {0.1, 2.5, -1.5},
       .gradient_value = 0.5,
       .sampling = {-1.0, 2.0}},
      {.name = "Exponential",
       .log_prob = [](const Params& p, double x) { return std::log(p[0]) - p[0] * x; },
       .mean = [](const Params& p) { return 1 / p[0]; },
       .variance = [](const Params& p) { return 1 / (p[0] * p[0]); },
       .entropy = [](const Params& p) { return 1 - std::log(p[0]); },
       .cdf = [](const Params& p, double x) { return 1 - std::exp(-p[0] * x); },
       .scalar = {2.0},
       .scalar_values = {0.0, 0.3, 4.0},
       .batch = {{0.5}, {1.0}, {3.0}},
       .batch_values = {0.1, 2.0, 0.5},
       .gradient_value = 0.3,
       .sampling = {2.0}},
      {.name = "Gamma",
       .log_prob =
           [](const Params& p, double x) {
             return p[0] * std::log(p[1]) + xlogy(p[0] - 1, x) - p[1] * x - std::lgamma(p[0]);
           },
       .mean = [](const Params& p) { return p[0] / p[1]; },
       .variance = [](const Params& p) { return p[0] / (p[1] * p[1]); },
       .entropy =
           [](const Params& p) {
             return p[0] - std::log(p[1]) + std::lgamma(p[0]) + (1 - p[0]) * digamma(p[0]);
           },
       .cdf = nullptr,
       .scalar = {2.5, 1.5},
       .scalar_values = {0.3, 1.0, 6.0},
       .batch = {{0.5, 2.0}, {1.0, 2.0}, {4.0, 0.5}},
       .batch_values = {0.05, 0.0, 3.0},
       .gradient_value = 1.0,
       .sampling = {2.5, 1.5}},
      {.name = "InverseGamma",
       .log_prob =
           [](const Params& p, double x) {
             return p[0] * std::log(p[1]) - std::lgamma(p[0]) - (p[0] + 1) * std::log(x) - p[1] / x;
           },
       .mean = [](const Params& p) { return p[0] > 1 ? p[1] / (p[0] - 1) : kInf; },
       .variance =
           [](const Params& p) {
             const double k = p[0];
             return k > 2 ? p[1] * p[1] / ((k - 1) * (k - 1) * (k - 2)) : kInf;
           },
       .entropy =
           [](const Params& p) {
             return p[0] + std::log(p[1] * std::tgamma(p[0])) - (1 + p[0]) * digamma(p[0]);
           },
       .cdf = nullptr,
       .scalar = {3.5, 1.5},
       .scalar_values = {0.3, 0.05, 9.0},
       .batch = {{0.5, 2.0}, {1.5, 2.0}, {2.5, 2.0}},
       .batch_values = {0.1, 2.0, 0.7},
       .gradient_value = 0.3,
       .sampling = {10.0, 3.0}},
      {.name = "Beta",
       .log_prob =
           [](const Params& p, double x) {
             return xlogy(p[0] - 1, x) + xlogy(p[1] - 1, 1 - x) - log_beta(p[0], p[1]);
           },
       .mean = [](const Params& p) { return p[0] / (p[0] + p[1]); },
       .variance =
           [](const Params& p) {
             const double t = p[0] + p[1];
             return p[0] * p[1] / (t * t * (t + 1));
           },
       .entropy =
           [](const Params& p) {
             const double a = p[0], b = p[1];
             return log_beta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) +
                    (a + b - 2) * digamma(a + b);
           },
       .cdf = nullptr,
       .scalar = {2.0, 3.0},
       .scalar_values = {0.3, 0.01, 0.95},
       // Edges: Beta(1, b) at 0 and Beta(a, 1) at 1 have finite densities.
       .batch = {{0.5, 2.5}, {1.0, 2.5}, {5.0, 1.0}},
       .batch_values = {0.2, 0.0, 1.0},
       .gradient_value = 0.3,
       .sampling = {2.0, 3.0}},
      {.name = "Chi2",
       .log_prob =
           [](const Params& p, double x) {
             const double k = p[0] / 2;
             return xlogy(k - 1, x) - x / 2 - k * std::log(2.0) - std::lgamma(k);
           },
       .mean = [](const Params& p) { return p[0]; },
       .variance = [](const Params& p) { return 2 * p[0]; },
       .entropy =
           [](const Params& p) {
             const double k = p[0] / 2;
             return k + std::log(2.0) + std::lgamma(k) + (1 - k) * digamma(k);
           },
       .cdf = nullptr,
       .scalar = {3.0},
       .scalar_values = {0.5, 2.0, 7.0},
       .batch = {{1.0}, {2.0}, {7.0}},
       .batch_values = {0.3, 0.0, 5.0},
       .gradient_value = 2.0,
       .sampling = {3.0}},
      {.name = "Weibull",
       .log_prob =
           [](const Params& p, double x) {
             const double lambda = p[0], k = p[1], r = x / lambda;
             return std::log(k / lambda) + (k - 1) * std::log(r) - std::pow(r, k);
           },
       .mean = [](const Params& p) { return p[0] * std::tgamma(1 + 1 / p[1]); },
       .variance =
           [](const Params& p) {
             const double g1 = std::tgamma(1 + 1 / p[1]);
             return p[0] * p[0] * (std::tgamma(1 + 2 / p[1]) - g1 * g1);
           },
       .entropy =
           [](const Params& p) {
             return kEulerGamma * (1 - 1 / p[1]) + std::log(p[0] / p[1]) + 1;
           },
       .cdf = [](const Params& p,
                 double x) { return 1 - std::exp(-std::pow(x / p[0], p[1])); },
       .scalar = {1.5, 2.0},
       .scalar_values = {0.3, 1.5, 4.0},
       .batch = {{0.5, 0.8}, {1.0, 0.8}, {2.0, 3.0}},
       .batch_values = {0.1, 2.0, 1.5},
       .gradient_value = 1.5,
       .sampling = {1.5, 2.0}},
  };
  return all;
}

// ------------------------------------------------------------------ helpers

// The builtin `name` called with `params` as positional tensor arguments, as
// a program calls it (validation on).
Value make_dist(const std::string& name, const std::vector<at::Tensor>& params) {
  ArgList args;
  for (const at::Tensor& p : params) args.push(tensor_value(p));
  return builtin_function(*find_builtin(name))(args.view(name));
}

Value make_scalar(const Family& f, const Params& p) {
  std::vector<at::Tensor> params;
  for (double x : p) params.push_back(f64(x));
  return make_dist(f.name, params);
}

Value make_batched(const Family& f) {
  std::vector<at::Tensor> params;
  for (size_t j = 0; j < f.batch[0].size(); ++j) {
    std::vector<double> column;
    for (const Params& element : f.batch) column.push_back(element[j]);
    params.push_back(f64(column));
  }
  return make_dist(f.name, params);
}

// `n` copies of each parameter as a leaf of shape (n,) that records its
// gradient, so that one rsample() gives n independent draws and each
// parameter's .grad() holds the n pathwise derivatives.
std::vector<at::Tensor> leaf_params(const Params& p, int64_t n) {
  std::vector<at::Tensor> out;
  for (double x : p) out.push_back(at::full({n}, x, at::kDouble).requires_grad_());
  return out;
}

// Elementwise agreement; nan must be nan and an infinity the same infinity.
void expect_agrees(const at::Tensor& got, const std::vector<double>& want, const std::string& what) {
  const at::Tensor g = got.detach().to(at::kDouble).contiguous().reshape({-1});
  ASSERT_EQ(g.numel(), static_cast<int64_t>(want.size())) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    const double a = g[static_cast<int64_t>(i)].item<double>(), e = want[i];
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(a)) << what << "[" << i << "] = " << a << ", expected nan";
    } else if (std::isinf(e)) {
      EXPECT_EQ(a, e) << what << "[" << i << "]";
    } else {
      EXPECT_NEAR(a, e, kClosedFormTolerance * std::max(1.0, std::fabs(e))) << what << "[" << i << "]";
    }
  }
}

void expect_tensors_agree(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  const at::Tensor w = want.detach().to(at::kDouble).contiguous().reshape({-1});
  expect_agrees(got, std::vector<double>(w.data_ptr<double>(), w.data_ptr<double>() + w.numel()),
                what);
}

// The mean within kStandardErrors standard errors (from the known variance);
// the sample variance within kStandardErrors of its standard error
// sqrt((mu4 - sigma^4) / n), with the fourth central moment mu4 estimated
// from the draws.
void expect_moments_within_monte_carlo_error(const at::Tensor& draws, double mean,
                                             double variance) {
  const at::Tensor x = draws.to(at::kDouble);
  const double n = static_cast<double>(x.numel());
  const double sample_mean = x.mean().item<double>();
  EXPECT_NEAR(sample_mean, mean, kStandardErrors * std::sqrt(variance / n)) << "mean";
  const double mu4 = (x - sample_mean).pow(4).mean().item<double>();
  const double se_variance = std::sqrt(std::max(mu4 - variance * variance, 0.0) / n);
  EXPECT_NEAR(x.var().item<double>(), variance, kStandardErrors * se_variance) << "variance";
}

// The mean of n pathwise gradients estimates the derivative of an
// expectation; its standard error comes from their spread. The second check
// makes sure the test could tell the expected value from 0.
void expect_mean_gradient(const at::Tensor& per_draw, double expected, const std::string& what) {
  const double n = static_cast<double>(per_draw.numel());
  const double se = per_draw.std().item<double>() / std::sqrt(n);
  EXPECT_NEAR(per_draw.mean().item<double>(), expected, kStandardErrors * se) << what;
  EXPECT_LT(kStandardErrors * se, std::fabs(expected)) << what << ": too few draws to tell";
}

// ------------------------------------------------------------ closed forms

TEST(ContinuousDistributions, LogProbMatchesClosedFormForScalarAndBatchedParameters) {
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    std::vector<double> want;
    for (double x : f.scalar_values) want.push_back(f.log_prob(f.scalar, x));
    expect_agrees(D(make_scalar(f, f.scalar)).log_prob(f64(f.scalar_values)), want, "log_prob");

    want.clear();
    for (size_t i = 0; i < f.batch.size(); ++i) want.push_back(f.log_prob(f.batch[i], f.batch_values[i]));
    const Value batched = make_batched(f);
    EXPECT_EQ(D(batched).batch_shape(), std::vector<int64_t>({3}));
    expect_agrees(D(batched).log_prob(f64(f.batch_values)), want, "batched log_prob");
  }
}

TEST(ContinuousDistributions, MeanVarianceAndEntropyMatchClosedForms) {
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    const Value scalar = make_scalar(f, f.scalar), batched = make_batched(f);
    const auto check = [&](const char* what, const ParamFunction& closed_form, const char* attr) {
      if (!closed_form) {
        EXPECT_EQ(error_of([&] { get_attr(scalar, attr); }), f.name + " has no " + what);
        return;
      }
      expect_agrees(T(get_attr(scalar, attr)), {closed_form(f.scalar)}, what);
      std::vector<double> want;
      for (const Params& p : f.batch) want.push_back(closed_form(p));
      expect_agrees(T(get_attr(batched, attr)), want, std::string("batched ") + what);
    };
    check("mean", f.mean, "mean");
    check("variance", f.variance, "variance");
    ASSERT_TRUE(f.entropy);
    expect_agrees(T(call_method_of(scalar, "entropy")), {f.entropy(f.scalar)}, "entropy");
    std::vector<double> want;
    for (const Params& p : f.batch) want.push_back(f.entropy(p));
    expect_agrees(D(batched).entropy(), want, "batched entropy");
  }
}

TEST(ContinuousDistributions, CdfMatchesClosedFormAndIcdfInvertsIt) {
  const std::vector<double> quantiles = {0.01, 0.2, 0.5, 0.75, 0.99};
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    const Value scalar = make_scalar(f, f.scalar);
    if (!f.cdf) {
      EXPECT_EQ(error_of([&] { call_method_of(scalar, "cdf", {Value(0.5)}); }), f.name + " has no cdf");
      continue;
    }
    std::vector<double> want;
    for (double x : f.scalar_values) want.push_back(f.cdf(f.scalar, x));
    expect_agrees(D(scalar).cdf(f64(f.scalar_values)), want, "cdf");
    expect_agrees(D(scalar).cdf(D(scalar).icdf(f64(quantiles))), quantiles, "cdf(icdf(q))");
    // Batched: each element's icdf at q is its own quantile.
    const Value batched = make_batched(f);
    const at::Tensor q = f64({0.1, 0.5, 0.9});
    expect_agrees(D(batched).cdf(D(batched).icdf(q)), {0.1, 0.5, 0.9}, "batched cdf(icdf(q))");
    want.clear();
    for (size_t i = 0; i < f.batch.size(); ++i) want.push_back(f.cdf(f.batch[i], f.batch_values[i]));
    expect_agrees(T(call_method_of(batched, "cdf", {tensor_value(f64(f.batch_values))})), want,
                  "batched cdf");
  }
}

// ------------------------------------------------------------------- draws

TEST(ContinuousDistributions, SampleMomentsWithinMonteCarloError) {
  seed_global_generator(11);
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    const Value d = make_scalar(f, f.sampling);
    const at::Tensor x = D(d).sample({kDraws});
    EXPECT_EQ(x.sizes(), at::IntArrayRef({kDraws}));
    EXPECT_FALSE(x.requires_grad());
    // Every draw lies in the support (log_prob validates it) and scores finitely.
    EXPECT_TRUE(at::isfinite(D(d).log_prob(x)).all().item<bool>());
    if (!f.mean || !std::isfinite(f.mean(f.sampling))) continue;  // Cauchy, HalfCauchy
    expect_moments_within_monte_carlo_error(x, f.mean(f.sampling), f.variance(f.sampling));
  }
}

// Draws below the q-quantile are a Binomial(n, q) count: the fraction is
// within kStandardErrors * sqrt(q (1 - q) / n) of q. This covers the
// distributions without moments (Cauchy, HalfCauchy) too.
TEST(ContinuousDistributions, SampleQuantilesMatchIcdfWithinMonteCarloError) {
  seed_global_generator(12);
  for (const Family& f : families()) {
    if (!f.cdf) continue;
    SCOPED_TRACE(f.name);
    const Value d = make_scalar(f, f.sampling);
    const at::Tensor x = D(d).sample({kDraws});
    for (const double q : {0.1, 0.5, 0.9}) {
      const double below = (x <= D(d).icdf(f64(q))).to(at::kDouble).mean().item<double>();
      EXPECT_NEAR(below, q, kStandardErrors * std::sqrt(q * (1 - q) / kDraws)) << "q = " << q;
    }
  }
}

TEST(ContinuousDistributions, DrawsHaveSampleAndBatchShapeAndSeededDrawsRepeat) {
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    const Value batched = make_batched(f);
    EXPECT_EQ(D(batched).sample({2}).sizes(), at::IntArrayRef({2, 3}));
    const Value expanded = D(make_scalar(f, f.scalar)).expand({4, 3});
    EXPECT_EQ(D(expanded).batch_shape(), std::vector<int64_t>({4, 3}));
    seed_global_generator(5);
    const at::Tensor a = D(expanded).sample({2});
    seed_global_generator(5);
    const at::Tensor b = D(expanded).rsample({2});
    EXPECT_EQ(a.sizes(), at::IntArrayRef({2, 4, 3}));
    EXPECT_TRUE(at::equal(a, b.detach()));
    EXPECT_TRUE(D(expanded).has_rsample());
  }
}

// -------------------------------------------------------------- gradients

TEST(ContinuousDistributions, LogProbGradientsMatchFiniteDifferences) {
  for (const Family& f : families()) {
    SCOPED_TRACE(f.name);
    const at::Tensor value = f64(f.gradient_value);
    // d/d(parameters): x packs the parameters in signature order.
    expect_gradient_matches(
        [&](const at::Tensor& p) {
          std::vector<at::Tensor> params;
          for (int64_t j = 0; j < p.size(0); ++j) params.push_back(p[j]);
          return D(make_dist(f.name, params)).log_prob(value);
        },
        f64(f.scalar));
    // d/d value; Uniform's density is flat, so its value has no gradient at all.
    if (f.name == "Uniform") continue;
    expect_gradient_matches(
        [&](const at::Tensor& v) { return D(make_scalar(f, f.scalar)).log_prob(v); }, value);
  }
}

// rsample of a location-scale family is loc + scale * eps, so draw by draw
// dx/dloc = 1 and dx/dscale = eps = (x - loc) / scale.
TEST(ContinuousDistributions, LocationScaleRsampleGradientsAreExact) {
  struct Case {
    std::string name;
    Params params;
    size_t loc, scale;  // their positions among the parameters
  };
  seed_global_generator(3);
  for (const Case& c : {Case{"Normal", {0.5, 1.3}, 0, 1}, Case{"Cauchy", {0.5, 1.3}, 0, 1},
                        Case{"Laplace", {0.5, 1.3}, 0, 1}, Case{"Gumbel", {0.5, 1.3}, 0, 1},
                        Case{"StudentT", {4.0, 0.5, 1.3}, 1, 2}}) {
    SCOPED_TRACE(c.name);
    const std::vector<at::Tensor> p = leaf_params(c.params, 1000);
    const at::Tensor x = D(make_dist(c.name, p)).rsample({});
    x.sum().backward();
    expect_tensors_agree(p[c.loc].grad(), at::ones_like(x), "d/dloc");
    expect_tensors_agree(p[c.scale].grad(), (x - p[c.loc]) / p[c.scale], "d/dscale");
  }
}

TEST(ContinuousDistributions, ScaleAndRateRsampleGradientsAreExact) {
  seed_global_generator(4);
  constexpr int64_t n = 1000;
  const auto draw = [&](const std::string& name, const std::vector<at::Tensor>& p) {
    const at::Tensor x = D(make_dist(name, p)).rsample({});
    x.sum().backward();
    return x.detach();
  };
  for (const char* name : {"HalfNormal", "HalfCauchy"}) {
    SCOPED_TRACE(name);
    const auto p = leaf_params({1.5}, n);
    const at::Tensor x = draw(name, p);
    expect_tensors_agree(p[0].grad(), x / 1.5, "d/dscale");  // x = scale |eps|
  }
  {
    const auto p = leaf_params({2.0}, n);
    const at::Tensor x = draw("Exponential", p);
    expect_tensors_agree(p[0].grad(), -x / 2.0, "Exponential d/drate");  // x = E / rate
  }
  {
    const auto p = leaf_params({2.5, 1.5}, n);
    const at::Tensor x = draw("Gamma", p);
    expect_tensors_agree(p[1].grad(), -x / 1.5, "Gamma d/drate");  // x = G(alpha) / rate
  }
  {
    const auto p = leaf_params({0.2, 0.8}, n);
    const at::Tensor x = draw("LogNormal", p);  // x = exp(loc + scale eps)
    expect_tensors_agree(p[0].grad(), x, "LogNormal d/dloc");
    expect_tensors_agree(p[1].grad(), x * (x.log() - 0.2) / 0.8, "LogNormal d/dscale");
  }
  {
    const auto p = leaf_params({-1.0, 2.0}, n);
    const at::Tensor x = draw("Uniform", p);  // x = low + u (high - low)
    expect_tensors_agree(p[0].grad(), (2.0 - x) / 3.0, "Uniform d/dlow");
    expect_tensors_agree(p[1].grad(), (x + 1.0) / 3.0, "Uniform d/dhigh");
  }
  {
    const auto p = leaf_params({1.5, 2.0}, n);
    const at::Tensor x = draw("Weibull", p);  // x = scale E^(1/k)
    expect_tensors_agree(p[0].grad(), x / 1.5, "Weibull d/dscale");
    expect_tensors_agree(p[1].grad(), -x * (x / 1.5).log() / 2.0, "Weibull d/dconcentration");
  }
}

// Gamma-based draws are reparameterized implicitly (_standard_gamma_grad):
// the mean of the pathwise gradients of g(X) must estimate d/dtheta E[g(X)].
TEST(ContinuousDistributions, ImplicitReparameterizationGradientsMatchDerivativesOfMeans) {
  seed_global_generator(21);
  const auto rsample = [](const std::string& name, const std::vector<at::Tensor>& p) {
    return D(make_dist(name, p)).rsample({});
  };
  {  // E[X] = alpha / rate.
    const auto p = leaf_params({2.5, 1.5}, kGradientDraws);
    rsample("Gamma", p).sum().backward();
    expect_mean_gradient(p[0].grad(), 1 / 1.5, "Gamma d/dconcentration E[X]");
  }
  {  // E[X] = a / (a + b).
    const double a = 2.0, b = 3.0;
    const auto p = leaf_params({a, b}, kGradientDraws);
    rsample("Beta", p).sum().backward();
    expect_mean_gradient(p[0].grad(), b / ((a + b) * (a + b)), "Beta d/dconcentration1 E[X]");
    expect_mean_gradient(p[1].grad(), -a / ((a + b) * (a + b)), "Beta d/dconcentration0 E[X]");
  }
  {  // E[X] = df.
    const auto p = leaf_params({3.0}, kGradientDraws);
    rsample("Chi2", p).sum().backward();
    expect_mean_gradient(p[0].grad(), 1.0, "Chi2 d/ddf E[X]");
  }
  {  // E[X] = rate / (alpha - 1).
    const double k = 6.0, rate = 2.0;
    const auto p = leaf_params({k, rate}, kGradientDraws);
    rsample("InverseGamma", p).sum().backward();
    expect_mean_gradient(p[0].grad(), -rate / ((k - 1) * (k - 1)),
                         "InverseGamma d/dconcentration E[X]");
  }
  {  // E[X^2] = loc^2 + scale^2 df / (df - 2); d/ddf = -2 scale^2 / (df - 2)^2.
    const double df = 10.0;
    const auto p = leaf_params({df, 0.0, 1.0}, kGradientDraws);
    rsample("StudentT", p).pow(2).sum().backward();
    expect_mean_gradient(p[0].grad(), -2 / ((df - 2) * (df - 2)), "StudentT d/ddf E[X^2]");
  }
}

// -------------------------------------------------------------- validation

TEST(ContinuousDistributions, ParameterValidationNamesArgumentRequirementAndValue) {
  EXPECT_EQ(error_of([] { call_builtin("Gamma", {Value(-1.0), Value(1.0)}); }),
            "Gamma(): concentration must be positive, got -1.0");
  EXPECT_EQ(error_of([] {
              call_builtin("Gamma", {Value(2.0), tensor_value(at::tensor({1.0f, 0.0f}))});
            }),
            "Gamma(): rate must be positive, but rate[1] = 0.0");
  EXPECT_EQ(error_of([] { call_builtin("Beta", {Value(1.0), Value(-0.5)}); }),
            "Beta(): concentration0 must be positive, got -0.5");
  EXPECT_EQ(error_of([] { call_builtin("StudentT", {Value(0.0)}); }),
            "StudentT(): df must be positive, got 0.0");
  EXPECT_EQ(error_of([] { call_builtin("Chi2", {Value(-2.0)}); }),
            "Chi2(): df must be positive, got -2.0");
  EXPECT_EQ(error_of([] { call_builtin("Weibull", {Value(1.0), Value(0.0)}); }),
            "Weibull(): concentration must be positive, got 0.0");
  EXPECT_EQ(error_of([] { call_builtin("LogNormal", {Value(NAN), Value(1.0)}); }),
            "LogNormal(): loc must be a real number (not nan), got nan");
  EXPECT_EQ(error_of([] { call_builtin("Exponential", {Value(0.0)}); }),
            "Exponential(): rate must be positive, got 0.0");
  EXPECT_EQ(error_of([] { call_builtin("Uniform", {Value(2.0), Value(1.0)}); }),
            "Uniform(): low must be less than high, got low = 2.0 and high = 1.0");
  EXPECT_EQ(error_of([] {
              call_builtin("Uniform", {tensor_value(at::tensor({0.0f, 3.0f})), Value(1.0)});
            }),
            "Uniform(): low must be less than high, but low[1] = 3.0 and high[1] = 1.0");
  EXPECT_EQ(error_of([] { call_builtin("Gamma", {Value(2.0)}); }),
            "Gamma() missing required argument 'rate'");
  EXPECT_EQ(error_of([] { call_builtin("Gamma", {Value(2.0)}, {{"scale", Value(1.0)}}); }),
            "Gamma() got an unexpected keyword argument 'scale'");
}

TEST(ContinuousDistributions, ValuesOutsideTheSupportAreRejected) {
  // The constraint's own wording follows the prefix; only the prefix is Kiln's here.
  const auto expect_rejected = [](const std::string& name, std::initializer_list<Value> params,
                                  double value) {
    const std::string error =
        error_of([&] { call_method_of(call_builtin(name, params), "log_prob", {Value(value)}); });
    const std::string prefix = name + ".log_prob(): value is outside the support";
    EXPECT_TRUE(error.starts_with(prefix)) << error;
  };
  expect_rejected("Gamma", {Value(2.0), Value(1.0)}, -1.0);
  expect_rejected("Beta", {Value(2.0), Value(3.0)}, 1.5);
  expect_rejected("Uniform", {Value(-1.0), Value(2.0)}, 2.5);
  expect_rejected("LogNormal", {Value(0.0), Value(1.0)}, 0.0);
  expect_rejected("HalfNormal", {Value(1.0)}, -0.1);
  expect_rejected("Weibull", {Value(1.0), Value(2.0)}, 0.0);
  // With validation off the density is -inf below 0, as torch.
  set_validation_enabled(false);
  EXPECT_EQ(D(call_builtin("HalfCauchy", {Value(1.0)})).log_prob(f64(-1.0)).item<double>(), -kInf);
  EXPECT_EQ(D(call_builtin("Uniform", {Value(-1.0), Value(2.0)})).log_prob(f64(2.5)).item<double>(),
            -kInf);
  set_validation_enabled(true);
}

TEST(ContinuousDistributions, SupportsAreTheirConstraints) {
  const auto kind_of = [](const Value& d) { return as_constraint(D(d).support())->kind(); };
  EXPECT_EQ(kind_of(call_builtin("Gamma", {Value(2.0), Value(1.0)})), ConstraintKind::kNonnegative);
  EXPECT_EQ(kind_of(call_builtin("Exponential", {Value(2.0)})), ConstraintKind::kNonnegative);
  EXPECT_EQ(kind_of(call_builtin("LogNormal", {Value(0.0), Value(1.0)})), ConstraintKind::kPositive);
  EXPECT_EQ(kind_of(call_builtin("InverseGamma", {Value(2.0), Value(1.0)})),
            ConstraintKind::kPositive);
  EXPECT_EQ(kind_of(call_builtin("Beta", {Value(2.0), Value(1.0)})), ConstraintKind::kUnitInterval);
  EXPECT_EQ(kind_of(call_builtin("StudentT", {Value(3.0)})), ConstraintKind::kReal);
  const Value u = call_builtin("Uniform", {tensor_value(f64({-1.0, 0.0})), Value(2.0)});
  const Value support = D(u).support();
  const Constraint& c = *as_constraint(support);
  EXPECT_EQ(c.kind(), ConstraintKind::kInterval);
  EXPECT_TRUE(at::equal(c.lower(), f64({-1.0, 0.0})));
  EXPECT_TRUE(at::equal(c.upper(), f64({2.0, 2.0})));
  EXPECT_FALSE(D(u).is_discrete());
}

TEST(ContinuousDistributions, ArgumentsMayBeKeywordsAndStudentTHasDefaults) {
  const Value t = call_builtin("StudentT", {Value(3.0)});
  EXPECT_EQ(to_str(t), "StudentT(df: 3.0, loc: 0.0, scale: 1.0)");
  const Value t2 = call_builtin("StudentT", {Value(3.0)}, {{"scale", Value(2.0)}});
  EXPECT_EQ(to_str(t2), "StudentT(df: 3.0, loc: 0.0, scale: 2.0)");
  const Value g = call_builtin("Gamma", {}, {{"rate", Value(3.0)}, {"concentration", Value(2.0)}});
  EXPECT_EQ(to_str(g), "Gamma(concentration: 2.0, rate: 3.0)");
  EXPECT_EQ(to_str(get_attr(g, "rate")), "tensor(3.)");
  const Value b = call_builtin("Beta", {Value(2.0)}, {{"concentration0", Value(5.0)}});
  EXPECT_EQ(to_str(b), "Beta(concentration1: 2.0, concentration0: 5.0)");
  const Value w = call_builtin("Weibull", {}, {{"scale", Value(1.0)}, {"concentration", Value(2.0)}});
  EXPECT_EQ(to_str(w), "Weibull(scale: 1.0, concentration: 2.0)");
  const Value n = call_builtin("Normal", {}, {{"loc", Value(1.0)}, {"scale", Value(2.0)}});
  EXPECT_EQ(to_str(n), "Normal(loc: 1.0, scale: 2.0)");
  // Python numbers follow the dtype of tensor parameters.
  EXPECT_EQ(D(call_builtin("StudentT", {tensor_value(f64(3.0))})).dtype(), at::kDouble);
}

TEST(ContinuousDistributions, CauchyMomentsAreNanAndInfAsTorchReportsThem) {
  const Value c = call_builtin("Cauchy", {Value(0.0), Value(1.0)});
  EXPECT_TRUE(std::isnan(T(get_attr(c, "mean")).item<double>()));
  EXPECT_EQ(T(get_attr(c, "variance")).item<double>(), kInf);
  const Value h = call_builtin("HalfCauchy", {Value(1.0)});
  EXPECT_EQ(T(get_attr(h, "mean")).item<double>(), kInf);
}

}  // namespace
}  // namespace kiln::rt::testing
