// Convergence and efficiency diagnostics of MCMC draws, as Stan reports them
// (Vehtari, Gelman, Simpson, Carpenter, Bürkner 2021, "Rank-normalization,
// folding, and localization: an improved R-hat for assessing convergence of
// MCMC"). Every function takes the draws of ONE scalar quantity as a tensor
// of shape (chains, draws), any floating or integral dtype (computed in
// float64), and returns a double:
//
//   const at::Tensor x = samples.select(-1, 0);   // (chains, draws)
//   double r = split_rhat(x);                     // < 1.01 once the chains mix
//   double n = bulk_ess(x), t = tail_ess(x);      // want >= 100 per chain
//
// Chains are always split in halves first (a single chain becomes two), so
// a trend inside a chain shows as disagreement between its halves; with an
// odd number of draws the middle draw is dropped, as Stan does.
//
// Degenerate input gives NaN, never an error: draws that are all the same
// value (R-hat and ESS, as in Stan), any non-finite draw, fewer than
// kMinDrawsForRhat (kMinDrawsForEss) draws per chain. Chains each stuck at
// a value of its own give R-hat = inf. Draws of the wrong shape raise
// KilnError.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kiln::rt {

// Each split half needs two draws for a variance, three for an
// autocorrelation beyond lag 1.
constexpr int64_t kMinDrawsForRhat = 4;
constexpr int64_t kMinDrawsForEss = 6;

// Stan's R-hat: the larger of bulk_rhat and tail_rhat (NaN only if both are).
double split_rhat(const at::Tensor& draws);
// Split R-hat of the rank-normalized draws: sensitive to chains that
// disagree in location, robust to heavy tails.
double bulk_rhat(const at::Tensor& draws);
// Split R-hat of the rank-normalized folded draws |x - median|: sensitive to
// chains that disagree in scale.
double tail_rhat(const at::Tensor& draws);
// The classic split R-hat (Gelman et al., BDA3) on the draws themselves.
double basic_split_rhat(const at::Tensor& draws);

// ESS of the rank-normalized split chains: efficiency in the bulk.
double bulk_ess(const at::Tensor& draws);
// min of the ESS of the indicators x <= q5% and x <= q95% (NaN only if
// both are): efficiency in the tails.
double tail_ess(const at::Tensor& draws);
// ESS of the split chains themselves: the one the Monte Carlo error of the
// mean uses.
double mean_ess(const at::Tensor& draws);
// Monte Carlo standard error of the mean: sd / sqrt(mean_ess).
double mcse_mean(const at::Tensor& draws);

// The `prob` quantile of all draws, interpolating linearly between order
// statistics (numpy's default, R's type 7). prob must lie in [0, 1].
double draws_quantile(const at::Tensor& draws, double prob);

// Everything the summary table shows, computed from one conversion.
struct DrawStatistics {
  double mean, sd, mcse_mean, q5, q50, q95, ess_bulk, ess_tail, r_hat;
};
DrawStatistics compute_draw_statistics(const at::Tensor& draws);

}  // namespace kiln::rt
