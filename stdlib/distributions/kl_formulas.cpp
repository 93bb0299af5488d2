#include "stdlib/distributions/kl_formulas.h"

#include <ATen/ATen.h>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "runtime/errors.h"
#include "stdlib/distributions/gaussian_linalg.h"
#include "stdlib/distributions/multivariate_normal.h"

namespace kiln::rt {

namespace {

// The Euler-Mascheroni constant, E[-log E] for E ~ Exponential(1); it
// enters the Gumbel KL through the Gumbel mean.
constexpr double kEulerGamma = 0.57721566490153286061;
constexpr double kInf = std::numeric_limits<double>::infinity();
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * M_PI);

// A parameter the formula needs; its absence is a broken contract between
// a distribution class and this table, not a user error.
at::Tensor need(const Distribution& d, std::string_view name) {
  at::Tensor t = d.param(name);
  KILN_ASSERT(t.defined(), "kl_divergence: " + std::string(d.name()) + " has no parameter '" +
                               std::string(name) + "'");
  return t;
}

at::Tensor infinite_where(const at::Tensor& cond, const at::Tensor& x) {
  return at::where(cond, at::scalar_tensor(kInf, x.options()), x);
}

at::Tensor zero_where(const at::Tensor& cond, const at::Tensor& x) {
  return at::where(cond, at::scalar_tensor(0.0, x.options()), x);
}

struct GammaParams {
  at::Tensor concentration, rate;
};

// Chi2(df) is Gamma(df / 2, 1 / 2), and torch, where it is a subclass of
// Gamma, gives it every Gamma pair; the table does the same (kl_family), so
// the Gamma formulas read both through here.
GammaParams gamma_params(const Distribution& d) {
  if (d.name() == "Chi2") {
    const at::Tensor df = need(d, "df");
    return {df / 2, at::full_like(df, 0.5)};
  }
  return {need(d, "concentration"), need(d, "rate")};
}

// Two-outcome distributions (Bernoulli, Binomial, Geometric) have probs and
// logits whichever was given; both are read, deriving one if a class only
// has the other.
at::Tensor binary_probs(const Distribution& d) {
  const at::Tensor p = d.param("probs");
  return p.defined() ? p : need(d, "logits").sigmoid();
}

at::Tensor binary_logits(const Distribution& d) {
  const at::Tensor l = d.param("logits");
  if (l.defined()) return l;
  const at::Tensor p = need(d, "probs");
  const double eps = p.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                    : std::numeric_limits<float>::epsilon();
  const at::Tensor c = p.clamp(eps, 1 - eps);
  return c.log() - (-c).log1p();
}

// Categorical: normalized log-probabilities and probabilities.
at::Tensor category_log_probs(const Distribution& d) {
  const at::Tensor l = d.param("logits");
  return l.defined() ? l.log_softmax(-1) : need(d, "probs").log();
}

at::Tensor category_probs(const Distribution& d) {
  const at::Tensor p = d.param("probs");
  return p.defined() ? p : need(d, "logits").softmax(-1);
}

at::Tensor gaussian(const at::Tensor& p_loc, const at::Tensor& p_scale, const at::Tensor& q_loc,
                    const at::Tensor& q_scale) {
  const at::Tensor var_ratio = (p_scale / q_scale).pow(2);
  const at::Tensor mean_term = ((p_loc - q_loc) / q_scale).pow(2);
  return 0.5 * (var_ratio + mean_term - 1 - var_ratio.log());
}

at::Tensor normal_normal(const Distribution& p, const Distribution& q) {
  return gaussian(need(p, "loc"), need(p, "scale"), need(q, "loc"), need(q, "scale"));
}

// A HalfNormal is |N(0, scale)|, and the folding is the same for both.
at::Tensor halfnormal_halfnormal(const Distribution& p, const Distribution& q) {
  const at::Tensor ps = need(p, "scale"), qs = need(q, "scale");
  return gaussian(at::zeros_like(ps), ps, at::zeros_like(qs), qs);
}

at::Tensor laplace_laplace(const Distribution& p, const Distribution& q) {
  const at::Tensor ps = need(p, "scale"), qs = need(q, "scale");
  const at::Tensor scale_ratio = ps / qs;
  const at::Tensor distance = (need(p, "loc") - need(q, "loc")).abs();
  return -scale_ratio.log() + distance / qs + scale_ratio * (-distance / ps).exp() - 1;
}

// KL(Cauchy(a, s) || Cauchy(b, t)) = log((s + t)^2 + (a - b)^2) - log(4 s t).
at::Tensor cauchy_cauchy(const Distribution& p, const Distribution& q) {
  const at::Tensor ps = need(p, "scale"), qs = need(q, "scale");
  return ((ps + qs).pow(2) + (need(p, "loc") - need(q, "loc")).pow(2)).log() -
         (4 * ps * qs).log();
}

at::Tensor gumbel_gumbel(const Distribution& p, const Distribution& q) {
  const at::Tensor qs = need(q, "scale");
  const at::Tensor scale_ratio = need(p, "scale") / qs;
  const at::Tensor q_loc = need(q, "loc") / qs;
  const at::Tensor p_loc = need(p, "loc") / qs;
  const at::Tensor t1 = -scale_ratio.log() - q_loc + p_loc;
  const at::Tensor t3 = (q_loc + (1 + scale_ratio).lgamma() - p_loc).exp();
  return t1 + scale_ratio * kEulerGamma + t3 - (1 + kEulerGamma);
}

at::Tensor uniform_uniform(const Distribution& p, const Distribution& q) {
  const at::Tensor pl = need(p, "low"), ph = need(p, "high");
  const at::Tensor ql = need(q, "low"), qh = need(q, "high");
  return infinite_where((ql > pl) | (qh < ph), ((qh - ql) / (ph - pl)).log());
}

at::Tensor exponential_exponential(const Distribution& p, const Distribution& q) {
  const at::Tensor rate_ratio = need(q, "rate") / need(p, "rate");
  return -rate_ratio.log() + rate_ratio - 1;
}

at::Tensor gamma_gamma(const Distribution& p, const Distribution& q) {
  const auto [pc, pr] = gamma_params(p);
  const auto [qc, qr] = gamma_params(q);
  return qc * (pr / qr).log() + qc.lgamma() - pc.lgamma() + (pc - qc) * pc.digamma() +
         (qr - pr) * (pc / pr);
}

at::Tensor beta_beta(const Distribution& p, const Distribution& q) {
  const at::Tensor pa = need(p, "concentration1"), pb = need(p, "concentration0");
  const at::Tensor qa = need(q, "concentration1"), qb = need(q, "concentration0");
  const at::Tensor p_total = pa + pb, q_total = qa + qb;
  return qa.lgamma() + qb.lgamma() + p_total.lgamma() - pa.lgamma() - pb.lgamma() -
         q_total.lgamma() + (pa - qa) * pa.digamma() + (pb - qb) * pb.digamma() +
         (q_total - p_total) * p_total.digamma();
}

at::Tensor dirichlet_dirichlet(const Distribution& p, const Distribution& q) {
  const at::Tensor pc = need(p, "concentration"), qc = need(q, "concentration");
  const at::Tensor p_total = pc.sum(-1), q_total = qc.sum(-1);
  return p_total.lgamma() - q_total.lgamma() - (pc.lgamma() - qc.lgamma()).sum(-1) +
         ((pc - qc) * (pc.digamma() - p_total.digamma().unsqueeze(-1))).sum(-1);
}

at::Tensor poisson_poisson(const Distribution& p, const Distribution& q) {
  const at::Tensor pr = need(p, "rate"), qr = need(q, "rate");
  return at::xlogy(pr, pr) - at::xlogy(pr, qr) - (pr - qr);
}

at::Tensor bernoulli_bernoulli(const Distribution& p, const Distribution& q) {
  const at::Tensor pp = binary_probs(p), qp = binary_probs(q);
  const at::Tensor pl = binary_logits(p), ql = binary_logits(q);
  // p log(p/q) and (1-p) log((1-p)/(1-q)), stable in the logits; a zero
  // weight wins over an infinite log ratio (0 log 0 = 0).
  const at::Tensor ones = pp * (at::softplus(-ql) - at::softplus(-pl));
  const at::Tensor zeros = (1 - pp) * (at::softplus(ql) - at::softplus(pl));
  return zero_where(pp == 0, infinite_where(qp == 0, ones)) +
         zero_where(pp == 1, infinite_where(qp == 1, zeros));
}

// Binomials with equal total_count; where p's is larger, q misses part of
// p's support (kl_divergence rejects q's being larger beforehand).
at::Tensor binomial_binomial(const Distribution& p, const Distribution& q) {
  const at::Tensor pn = need(p, "total_count"), qn = need(q, "total_count");
  const at::Tensor pp = binary_probs(p), qp = binary_probs(q);
  const at::Tensor kl =
      pn * (pp * (binary_logits(p) - binary_logits(q)) + (-pp).log1p() - (-qp).log1p());
  return infinite_where(pn > qn, kl);
}

// Geometric (failures before the first success): -H(p) - E_p[log q(k)],
// with E_p[k] = (1 - p)/p.
at::Tensor geometric_geometric(const Distribution& p, const Distribution& q) {
  const at::Tensor pp = binary_probs(p), qp = binary_probs(q);
  const at::Tensor entropy = -(at::xlogy(pp, pp) + at::xlogy(1 - pp, 1 - pp)) / pp;
  return -entropy - (-qp).log1p() / pp - binary_logits(q);
}

at::Tensor categorical_categorical(const Distribution& p, const Distribution& q) {
  const at::Tensor pp = category_probs(p), qp = category_probs(q);
  const at::Tensor terms = pp * (category_log_probs(p) - category_log_probs(q));
  return zero_where(pp == 0, infinite_where(qp == 0, terms)).sum(-1);
}

// The Gaussian's Cholesky factor, unbroadcast where the class keeps one.
at::Tensor scale_tril_of(const Distribution& d) {
  if (const auto* mvn = dynamic_cast<const MultivariateNormal*>(&d))
    return mvn->unbroadcasted_scale_tril();
  return need(d, "scale_tril");
}

// KL = log det L_q - log det L_p + (|L_q^-1 L_p|_F^2 + |L_q^-1 (mu_q - mu_p)|^2 - n) / 2.
at::Tensor gaussian_gaussian(const Distribution& p, const Distribution& q) {
  const at::Tensor pl = scale_tril_of(p), ql = scale_tril_of(q);
  const int64_t n = pl.size(-1);
  std::vector<int64_t> shape =
      at::infer_size(pl.sizes().slice(0, pl.dim() - 2), ql.sizes().slice(0, ql.dim() - 2));
  shape.insert(shape.end(), {n, n});
  const at::Tensor whitened =
      at::linalg_solve_triangular(ql.expand(shape), pl.expand(shape), /*upper=*/false);
  const at::Tensor trace = whitened.pow(2).sum({-2, -1});
  const at::Tensor mean_term = mahalanobis_squared(ql, need(q, "loc") - need(p, "loc"));
  return half_log_det(ql) - half_log_det(pl) + 0.5 * (trace + mean_term - static_cast<double>(n));
}

// ------------------------------------------------------------ cross-family
//
// KL(p || q) = H(p, q) - H(p): p's own entropy, and the cross entropy
// -E_p[log q(x)], which for each family of q needs only a few expectations
// under p (moments, E[log x], a Laplace transform). Pairs where q gives no
// density to a part of p's support are infinite.

// The KL of a pair whose supports never fit: q is zero on a set p gives
// positive mass, for every parameter value.
at::Tensor infinite(const Distribution& p, const Distribution& q) {
  return at::full(at::infer_size(p.batch_shape(), q.batch_shape()), kInf,
                  at::TensorOptions().dtype(at::promote_types(p.dtype(), q.dtype())));
}

// Elements where `outside` holds get a stand-in interval inside (0, 1), so
// the logs of the bounds the finite formula takes stay finite there: those
// elements become inf anyway, but a NaN in the branch at::where discards
// still turns its gradient into NaN (which a mask would not hide).
std::pair<at::Tensor, at::Tensor> finite_bounds(const at::Tensor& outside, const at::Tensor& low,
                                                const at::Tensor& high) {
  return {at::where(outside, at::scalar_tensor(0.25, low.options()), low),
          at::where(outside, at::scalar_tensor(0.75, high.options()), high)};
}

// E[log x] for x ~ Uniform(low, high), 0 <= low < high: the mean of
// x log x - x between the bounds' values; 0 log 0 = 0 keeps low = 0 finite.
at::Tensor uniform_mean_log(const at::Tensor& low, const at::Tensor& high) {
  return (at::xlogy(high, high) - at::xlogy(low, low)) / (high - low) - 1;
}

// Against Normal(loc, scale), the square makes E[x] and Var[x] enough.
at::Tensor normal_cross_entropy(const at::Tensor& mean, const at::Tensor& variance,
                                const Distribution& q) {
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  return scale.log() + kLogSqrtTwoPi + (variance + (mean - loc).pow(2)) / (2 * scale.pow(2));
}

// Against Exponential(rate): E[x].
at::Tensor exponential_cross_entropy(const at::Tensor& mean, const Distribution& q) {
  const at::Tensor rate = need(q, "rate");
  return rate * mean - rate.log();
}

// Against Gamma(concentration, rate) (or Chi2): E[x] and E[log x].
at::Tensor gamma_cross_entropy(const at::Tensor& mean, const at::Tensor& mean_log,
                               const Distribution& q) {
  const auto [k, rate] = gamma_params(q);
  return k.lgamma() - k * rate.log() - (k - 1) * mean_log + rate * mean;
}

// Against Gumbel(loc, scale): log q(x) = -log scale - z - exp(-z) with
// z = (x - loc) / scale, so E[x] and E[exp(-z)], which the caller works out
// from p's Laplace transform at 1 / scale.
at::Tensor gumbel_cross_entropy(const at::Tensor& mean, const at::Tensor& mean_exp_neg_z,
                                const Distribution& q) {
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  return scale.log() + (mean - loc) / scale + mean_exp_neg_z;
}

// Bernoulli against Poisson(rate): only k = 0 and 1 count, and log k! is 0
// for both.
at::Tensor bernoulli_poisson(const Distribution& p, const Distribution& q) {
  const at::Tensor rate = need(q, "rate");
  return rate - binary_probs(p) * rate.log() - p.entropy();
}

// Beta(a, b): E[x] = a / (a + b), E[log x] = digamma(a) - digamma(a + b).
at::Tensor beta_mean(const Distribution& p) {
  const at::Tensor a = need(p, "concentration1");
  return a / (a + need(p, "concentration0"));
}

at::Tensor beta_exponential(const Distribution& p, const Distribution& q) {
  return exponential_cross_entropy(beta_mean(p), q) - p.entropy();
}

at::Tensor beta_gamma(const Distribution& p, const Distribution& q) {
  const at::Tensor a = need(p, "concentration1"), b = need(p, "concentration0");
  const at::Tensor mean_log = a.digamma() - (a + b).digamma();
  return gamma_cross_entropy(beta_mean(p), mean_log, q) - p.entropy();
}

at::Tensor beta_normal(const Distribution& p, const Distribution& q) {
  const at::Tensor total = need(p, "concentration1") + need(p, "concentration0");
  const at::Tensor mean = beta_mean(p);
  return normal_cross_entropy(mean, mean * (1 - mean) / (total + 1), q) - p.entropy();
}

// Finite only where q's interval covers all of [0, 1].
at::Tensor beta_uniform(const Distribution& p, const Distribution& q) {
  const at::Tensor low = need(q, "low"), high = need(q, "high");
  return infinite_where((low > 0) | (high < 1), (high - low).log() - p.entropy());
}

// Exponential(rate): E[x] = 1 / rate, Var[x] = 1 / rate^2,
// E[log x] = -EulerGamma - log(rate), E[exp(-t x)] = rate / (rate + t).
at::Tensor exponential_gamma(const Distribution& p, const Distribution& q) {
  const at::Tensor rate = need(p, "rate");
  return gamma_cross_entropy(rate.reciprocal(), -kEulerGamma - rate.log(), q) - p.entropy();
}

at::Tensor exponential_gumbel(const Distribution& p, const Distribution& q) {
  const at::Tensor rate = need(p, "rate");
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  const at::Tensor rate_scale = rate * scale;
  const at::Tensor mean_exp_neg_z = (loc / scale).exp() * rate_scale / (rate_scale + 1);
  return gumbel_cross_entropy(rate.reciprocal(), mean_exp_neg_z, q) - p.entropy();
}

at::Tensor exponential_normal(const Distribution& p, const Distribution& q) {
  const at::Tensor mean = need(p, "rate").reciprocal();
  return normal_cross_entropy(mean, mean.pow(2), q) - p.entropy();
}

// Gamma(k, rate) (or Chi2): E[x] = k / rate, Var[x] = k / rate^2,
// E[exp(-t x)] = (1 + t / rate)^-k.
at::Tensor gamma_exponential(const Distribution& p, const Distribution& q) {
  const auto [k, rate] = gamma_params(p);
  return exponential_cross_entropy(k / rate, q) - p.entropy();
}

at::Tensor gamma_gumbel(const Distribution& p, const Distribution& q) {
  const auto [k, rate] = gamma_params(p);
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  const at::Tensor mean_exp_neg_z = (loc / scale).exp() * (1 + (rate * scale).reciprocal()).pow(-k);
  return gumbel_cross_entropy(k / rate, mean_exp_neg_z, q) - p.entropy();
}

at::Tensor gamma_normal(const Distribution& p, const Distribution& q) {
  const auto [k, rate] = gamma_params(p);
  return normal_cross_entropy(k / rate, k / rate.pow(2), q) - p.entropy();
}

// Gumbel(loc, scale): E[x] = loc + EulerGamma scale, Var[x] = (pi scale)^2 / 6.
at::Tensor gumbel_normal(const Distribution& p, const Distribution& q) {
  const at::Tensor loc = need(p, "loc"), scale = need(p, "scale");
  return normal_cross_entropy(loc + kEulerGamma * scale, (M_PI * M_PI / 6) * scale.pow(2), q) -
         p.entropy();
}

// Laplace(loc, scale): Var[x] = 2 scale^2.
at::Tensor laplace_normal(const Distribution& p, const Distribution& q) {
  return normal_cross_entropy(need(p, "loc"), 2 * need(p, "scale").pow(2), q) - p.entropy();
}

// Normal(m, s): E[exp(-t x)] = exp(-m t + (s t)^2 / 2).
at::Tensor normal_gumbel(const Distribution& p, const Distribution& q) {
  const at::Tensor m = need(p, "loc"), s = need(p, "scale");
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  const at::Tensor mean_exp_neg_z = ((loc - m) / scale + 0.5 * (s / scale).pow(2)).exp();
  return gumbel_cross_entropy(m, mean_exp_neg_z, q) - p.entropy();
}

// Against Laplace(loc, b): E|x - loc| for x ~ Normal(m, s) is the folded
// normal's mean, s sqrt(2/pi) exp(-d^2 / 2s^2) + d erf(d / (s sqrt 2)), d = m - loc.
at::Tensor normal_laplace(const Distribution& p, const Distribution& q) {
  const at::Tensor m = need(p, "loc"), s = need(p, "scale");
  const at::Tensor loc = need(q, "loc"), b = need(q, "scale");
  const at::Tensor d = m - loc;
  const at::Tensor standardized = d / s;
  const at::Tensor mean_abs = std::sqrt(2 / M_PI) * s * (-0.5 * standardized.pow(2)).exp() +
                              d * (M_SQRT1_2 * standardized).erf();
  return (2 * b).log() + mean_abs / b - p.entropy();
}

// Uniform(low, high): E[x] = (low + high) / 2, Var[x] = (high - low)^2 / 12,
// E[exp(-t x)] = (exp(-t low) - exp(-t high)) / (t (high - low)).
at::Tensor uniform_mean(const Distribution& p) { return (need(p, "low") + need(p, "high")) / 2; }

// Finite only where [low, high] lies inside [0, 1].
at::Tensor uniform_beta(const Distribution& p, const Distribution& q) {
  const at::Tensor a = need(q, "concentration1"), b = need(q, "concentration0");
  const at::Tensor outside = (need(p, "low") < 0) | (need(p, "high") > 1);
  const auto [low, high] = finite_bounds(outside, need(p, "low"), need(p, "high"));
  const at::Tensor log_beta = a.lgamma() + b.lgamma() - (a + b).lgamma();
  const at::Tensor cross_entropy = log_beta - (a - 1) * uniform_mean_log(low, high) -
                                   (b - 1) * uniform_mean_log(1 - high, 1 - low);
  return infinite_where(outside, cross_entropy - p.entropy());
}

// Finite only where low >= 0 (the support of Exponential and Gamma).
at::Tensor uniform_exponential(const Distribution& p, const Distribution& q) {
  return infinite_where(need(p, "low") < 0,
                        exponential_cross_entropy(uniform_mean(p), q) - p.entropy());
}

at::Tensor uniform_gamma(const Distribution& p, const Distribution& q) {
  const at::Tensor outside = need(p, "low") < 0;
  const auto [low, high] = finite_bounds(outside, need(p, "low"), need(p, "high"));
  const at::Tensor cross_entropy =
      gamma_cross_entropy(uniform_mean(p), uniform_mean_log(low, high), q);
  return infinite_where(outside, cross_entropy - p.entropy());
}

at::Tensor uniform_gumbel(const Distribution& p, const Distribution& q) {
  const at::Tensor low = need(p, "low"), high = need(p, "high");
  const at::Tensor loc = need(q, "loc"), scale = need(q, "scale");
  const at::Tensor mean_exp_neg_z =
      scale / (high - low) * ((-(low - loc) / scale).exp() - (-(high - loc) / scale).exp());
  return gumbel_cross_entropy(uniform_mean(p), mean_exp_neg_z, q) - p.entropy();
}

at::Tensor uniform_normal(const Distribution& p, const Distribution& q) {
  const at::Tensor width = need(p, "high") - need(p, "low");
  return normal_cross_entropy(uniform_mean(p), width.pow(2) / 12, q) - p.entropy();
}

struct Entry {
  std::string_view p, q;
  KlFormula formula;
};

constexpr std::string_view kMvn = "MultivariateNormal";
constexpr std::string_view kLowRank = "LowRankMultivariateNormal";

constexpr std::array kTable = {
    Entry{"Normal", "Normal", &normal_normal},
    Entry{"LogNormal", "LogNormal", &normal_normal},
    Entry{"HalfNormal", "HalfNormal", &halfnormal_halfnormal},
    Entry{"Laplace", "Laplace", &laplace_laplace},
    Entry{"Cauchy", "Cauchy", &cauchy_cauchy},
    Entry{"Gumbel", "Gumbel", &gumbel_gumbel},
    Entry{"Uniform", "Uniform", &uniform_uniform},
    Entry{"Exponential", "Exponential", &exponential_exponential},
    Entry{"Gamma", "Gamma", &gamma_gamma},
    Entry{"Beta", "Beta", &beta_beta},
    Entry{"Dirichlet", "Dirichlet", &dirichlet_dirichlet},
    Entry{"Poisson", "Poisson", &poisson_poisson},
    Entry{"Bernoulli", "Bernoulli", &bernoulli_bernoulli},
    Entry{"Binomial", "Binomial", &binomial_binomial},
    Entry{"Geometric", "Geometric", &geometric_geometric},
    Entry{"Categorical", "Categorical", &categorical_categorical},
    Entry{"OneHotCategorical", "OneHotCategorical", &categorical_categorical},
    Entry{kMvn, kMvn, &gaussian_gaussian},
    Entry{kMvn, kLowRank, &gaussian_gaussian},
    Entry{kLowRank, kMvn, &gaussian_gaussian},
    Entry{kLowRank, kLowRank, &gaussian_gaussian},
    // Cross-family pairs. The supports decide the infinite ones: Normal,
    // Laplace and Gumbel live on all reals, Exponential and Gamma on the
    // nonnegative ones, Beta on [0, 1], Poisson on all counts.
    Entry{"Bernoulli", "Poisson", &bernoulli_poisson},
    Entry{"Beta", "Exponential", &beta_exponential},
    Entry{"Beta", "Gamma", &beta_gamma},
    Entry{"Beta", "Normal", &beta_normal},
    Entry{"Beta", "Uniform", &beta_uniform},
    Entry{"Exponential", "Beta", &infinite},
    Entry{"Exponential", "Gamma", &exponential_gamma},
    Entry{"Exponential", "Gumbel", &exponential_gumbel},
    Entry{"Exponential", "Normal", &exponential_normal},
    Entry{"Exponential", "Uniform", &infinite},
    Entry{"Gamma", "Beta", &infinite},
    Entry{"Gamma", "Exponential", &gamma_exponential},
    Entry{"Gamma", "Gumbel", &gamma_gumbel},
    Entry{"Gamma", "Normal", &gamma_normal},
    Entry{"Gamma", "Uniform", &infinite},
    Entry{"Gumbel", "Beta", &infinite},
    Entry{"Gumbel", "Exponential", &infinite},
    Entry{"Gumbel", "Gamma", &infinite},
    Entry{"Gumbel", "Normal", &gumbel_normal},
    Entry{"Gumbel", "Uniform", &infinite},
    Entry{"Laplace", "Beta", &infinite},
    Entry{"Laplace", "Exponential", &infinite},
    Entry{"Laplace", "Gamma", &infinite},
    Entry{"Laplace", "Normal", &laplace_normal},
    Entry{"Laplace", "Uniform", &infinite},
    Entry{"Normal", "Beta", &infinite},
    Entry{"Normal", "Exponential", &infinite},
    Entry{"Normal", "Gamma", &infinite},
    Entry{"Normal", "Gumbel", &normal_gumbel},
    Entry{"Normal", "Laplace", &normal_laplace},
    Entry{"Normal", "Uniform", &infinite},
    Entry{"Poisson", "Bernoulli", &infinite},
    Entry{"Poisson", "Binomial", &infinite},
    Entry{"Uniform", "Beta", &uniform_beta},
    Entry{"Uniform", "Exponential", &uniform_exponential},
    Entry{"Uniform", "Gamma", &uniform_gamma},
    Entry{"Uniform", "Gumbel", &uniform_gumbel},
    Entry{"Uniform", "Normal", &uniform_normal},
};

// The name a distribution is looked up by: Chi2 takes Gamma's rows, as it
// does in torch, where Chi2 subclasses Gamma (gamma_params reads it).
std::string_view kl_family(std::string_view name) { return name == "Chi2" ? "Gamma" : name; }

}  // namespace

KlFormula find_kl_formula(std::string_view p, std::string_view q) {
  const std::string_view pf = kl_family(p), qf = kl_family(q);
  for (const Entry& e : kTable)
    if (e.p == pf && e.q == qf) return e.formula;
  return nullptr;
}

}  // namespace kiln::rt
