#include "inference/mcmc/hamiltonian.h"

#include <cmath>
#include <limits>
#include <string>

#include "inference/mcmc/sampler_random.h"
#include "runtime/errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Cholesky factor of the row-major n x n matrix `a` (lower, row-major), or
// the index of the first non-positive pivot.
int64_t cholesky(const std::vector<double>& a, int64_t n, std::vector<double>& l) {
  l.assign(static_cast<size_t>(n * n), 0.0);
  for (int64_t j = 0; j < n; ++j) {
    double diag = a[j * n + j];
    for (int64_t k = 0; k < j; ++k) diag -= l[j * n + k] * l[j * n + k];
    if (!(diag > 0) || !std::isfinite(diag)) return j;
    const double ljj = std::sqrt(diag);
    l[j * n + j] = ljj;
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int64_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return -1;
}

}  // namespace

Metric::Metric(int64_t dim, bool dense) : dim_(dim), dense_(dense) {
  if (!dense_) {
    inverse_.assign(static_cast<size_t>(dim), 1.0);
    return;
  }
  inverse_.assign(static_cast<size_t>(dim * dim), 0.0);
  for (int64_t i = 0; i < dim; ++i) inverse_[i * dim + i] = 1.0;
  cholesky_ = inverse_;
}

void Metric::set_inverse(std::vector<double> inverse) {
  KILN_ASSERT(static_cast<int64_t>(inverse.size()) == (dense_ ? dim_ * dim_ : dim_),
              "Metric::set_inverse: wrong size");
  if (dense_) {
    std::vector<double> l;
    const int64_t bad = cholesky(inverse, dim_, l);
    if (bad >= 0)
      raise("the adapted mass matrix is not positive definite (pivot " + std::to_string(bad) + ")",
            "the warmup draws are degenerate; try full_mass=False or a longer warmup");
    cholesky_ = std::move(l);
  } else {
    for (size_t i = 0; i < inverse.size(); ++i)
      if (!(inverse[i] > 0) || !std::isfinite(inverse[i]))
        raise("the adapted mass matrix has a non-positive variance at coordinate " + std::to_string(i),
              "the warmup draws are degenerate; try a longer warmup");
  }
  inverse_ = std::move(inverse);
}

void Metric::sample_momentum(SamplerRandom& rng, std::vector<double>& p) const {
  p.resize(static_cast<size_t>(dim_));
  rng.standard_normals(p);
  if (!dense_) {
    // Var(p_i) = M_ii = 1 / inverse_i.
    for (int64_t i = 0; i < dim_; ++i) p[i] /= std::sqrt(inverse_[i]);
    return;
  }
  // Solve L^T p = u by back substitution: Cov(p) = L^{-T} L^{-1} = M.
  const int64_t n = dim_;
  for (int64_t i = n - 1; i >= 0; --i) {
    double s = p[i];
    for (int64_t k = i + 1; k < n; ++k) s -= cholesky_[k * n + i] * p[k];
    p[i] = s / cholesky_[i * n + i];
  }
}

void Metric::velocity(const std::vector<double>& p, std::vector<double>& out) const {
  out.resize(static_cast<size_t>(dim_));
  if (!dense_) {
    for (int64_t i = 0; i < dim_; ++i) out[i] = inverse_[i] * p[i];
    return;
  }
  for (int64_t i = 0; i < dim_; ++i) {
    double s = 0;
    for (int64_t j = 0; j < dim_; ++j) s += inverse_[i * dim_ + j] * p[j];
    out[i] = s;
  }
}

double Metric::kinetic_energy(const std::vector<double>& p) const {
  if (!dense_) {
    double s = 0;
    for (int64_t i = 0; i < dim_; ++i) s += inverse_[i] * p[i] * p[i];
    return 0.5 * s;
  }
  std::vector<double> v;
  velocity(p, v);
  return 0.5 * dot(p, v);
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double hamiltonian(const PhasePoint& z, const Metric& metric) {
  if (!std::isfinite(z.potential)) return kInf;
  const double h = z.potential + metric.kinetic_energy(z.p);
  return std::isnan(h) ? kInf : h;
}

void leapfrog(PhasePoint& z, double epsilon, const Metric& metric, const PotentialGradient& potential) {
  const size_t n = z.q.size();
  for (size_t i = 0; i < n; ++i) z.p[i] -= 0.5 * epsilon * z.grad[i];
  std::vector<double> v;
  metric.velocity(z.p, v);
  for (size_t i = 0; i < n; ++i) z.q[i] += epsilon * v[i];
  z.potential = potential(z.q, z.grad);
  for (size_t i = 0; i < n; ++i) z.p[i] -= 0.5 * epsilon * z.grad[i];
}

}  // namespace kiln::rt
