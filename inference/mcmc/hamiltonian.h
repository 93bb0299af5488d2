// The Euclidean Hamiltonian system HMC and NUTS simulate, on flat float64
// vectors (the leapfrog arithmetic stays in plain doubles; only the
// potential and its gradient go through LibTorch):
//
//   H(q, p) = U(q) + 1/2 p^T M^{-1} p,     p ~ Normal(0, M)
//
// where U(q) = -log density at the unconstrained point q (potential.h) and
// M^{-1}, the inverse metric (Stan's inv_metric), is diagonal or dense and
// is what warmup adapts (adaptation.h): an estimate of the posterior
// covariance, so the sampler sees a roughly isotropic problem.
//
//   Metric metric(dim, /*dense=*/false);
//   PhasePoint z = ...;  metric.sample_momentum(rng, z.p);
//   leapfrog(z, step_size, metric, potential);
//   double h = hamiltonian(z, metric);
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace kiln::rt {

class SamplerRandom;

// U(q), writing its gradient into `grad` (sized like q). Returns +inf where
// the density is zero, not finite, or its gradient is not finite, so the
// samplers treat such points as divergent.
using PotentialGradient = std::function<double(const std::vector<double>& q, std::vector<double>& grad)>;

// A point of phase space with what the leapfrog needs at it.
struct PhasePoint {
  std::vector<double> q;     // position (unconstrained parameters)
  std::vector<double> p;     // momentum
  std::vector<double> grad;  // dU/dq at q
  double potential = 0;      // U(q)
};

class Metric {
 public:
  // The identity: M^{-1} = I.
  Metric(int64_t dim, bool dense);

  bool dense() const { return dense_; }
  int64_t dim() const { return dim_; }
  // M^{-1}: its diagonal (dim values) or the dense matrix (dim * dim,
  // row-major).
  const std::vector<double>& inverse() const { return inverse_; }
  // Replaces M^{-1}. Dense: must be symmetric positive definite; raises
  // KilnError naming the failing pivot otherwise (a regularized covariance
  // estimate always is, so this signals a broken estimate).
  void set_inverse(std::vector<double> inverse);

  // p ~ Normal(0, M).
  void sample_momentum(SamplerRandom& rng, std::vector<double>& p) const;
  // M^{-1} p (Stan's dtau_dp, "p sharp"): the velocity dq/dt.
  void velocity(const std::vector<double>& p, std::vector<double>& out) const;
  // 1/2 p^T M^{-1} p.
  double kinetic_energy(const std::vector<double>& p) const;

 private:
  int64_t dim_;
  bool dense_;
  std::vector<double> inverse_;
  // Dense: the lower Cholesky factor L of M^{-1} (M^{-1} = L L^T), so a
  // momentum L^{-T} u with u standard normal has covariance M.
  std::vector<double> cholesky_;
};

// H(z) = U(q) + 1/2 p^T M^{-1} p; +inf if the potential is not finite.
double hamiltonian(const PhasePoint& z, const Metric& metric);

// One leapfrog step of size `epsilon` (negative: backwards in time):
// half step of momentum, full step of position along M^{-1} p, new
// gradient, half step of momentum.
void leapfrog(PhasePoint& z, double epsilon, const Metric& metric, const PotentialGradient& potential);

double dot(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace kiln::rt
