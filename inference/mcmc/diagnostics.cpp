#include "inference/mcmc/diagnostics.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Blom's offset: the rank r of S draws becomes the normal score
// Phi^-1((r - 3/8) / (S + 1/4)), which the paper recommends because it
// makes the scores' variance close to that of S standard normal draws.
constexpr double kBlomOffset = 3.0 / 8.0;
// The quantiles whose indicators define the tail ESS (the paper's choice).
constexpr double kTailLow = 0.05;
constexpr double kTailHigh = 0.95;

// The draws of one quantity, chain after chain: draw i of chain c is
// values[c * length + i].
struct Chains {
  int64_t count = 0;
  int64_t length = 0;
  std::vector<double> values;
};

Chains chains_of(const at::Tensor& draws, std::string_view callee) {
  if (draws.dim() != 2 || draws.size(0) < 1) {
    raise(std::string(callee) + "(): draws must have shape (chains, draws) with at least one chain, got shape " +
          shape_to_string(draws.sizes().vec()));
  }
  const at::Tensor x = draws.detach().to(at::kCPU, at::kDouble).contiguous();
  const double* data = x.data_ptr<double>();
  return Chains{x.size(0), x.size(1), std::vector<double>(data, data + x.numel())};
}

bool all_finite(const Chains& x) {
  return std::all_of(x.values.begin(), x.values.end(), [](double v) { return std::isfinite(v); });
}

bool all_equal(const Chains& x) {
  return std::all_of(x.values.begin(), x.values.end(), [&](double v) { return v == x.values.front(); });
}

double max_defined(double a, double b) { return std::isnan(a) ? b : std::isnan(b) ? a : std::max(a, b); }
double min_defined(double a, double b) { return std::isnan(a) ? b : std::isnan(b) ? a : std::min(a, b); }

double mean_of(const double* v, int64_t n) { return std::accumulate(v, v + n, 0.0) / static_cast<double>(n); }

// Unbiased (n - 1) variance; exactly 0 for a constant sequence (its
// rounded mean may differ from the value), so stuck chains give R-hat = inf.
double variance_of(const double* v, int64_t n) {
  if (std::all_of(v, v + n, [&](double x) { return x == v[0]; })) return 0.0;
  const double m = mean_of(v, n);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += (v[i] - m) * (v[i] - m);
  return sum / static_cast<double>(n - 1);
}

// Each chain becomes its first and its last floor(length / 2) draws.
Chains split_halves(const Chains& x) {
  const int64_t half = x.length / 2;
  Chains out{2 * x.count, half, {}};
  out.values.reserve(static_cast<size_t>(out.count * half));
  for (int64_t c = 0; c < x.count; ++c) {
    const auto chain = x.values.begin() + c * x.length;
    out.values.insert(out.values.end(), chain, chain + half);
    out.values.insert(out.values.end(), chain + (x.length - half), chain + x.length);
  }
  return out;
}

std::vector<double> sorted_values(const Chains& x) {
  std::vector<double> sorted = x.values;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

// Linear interpolation between order statistics (R's type 7).
double quantile_of_sorted(const std::vector<double>& sorted, double prob) {
  if (sorted.empty()) return kNaN;
  const double h = static_cast<double>(sorted.size() - 1) * prob;
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double fraction = h - static_cast<double>(lo);
  // Exact order statistics stay exact, even infinite ones (inf - inf is NaN).
  if (fraction == 0.0 || sorted[lo] == sorted[hi]) return sorted[lo];
  return sorted[lo] + fraction * (sorted[hi] - sorted[lo]);
}

// Ranks over all chains together (ties get their average rank, so a discrete
// quantity keeps its number of distinct values), mapped to normal scores.
Chains rank_normalized(const Chains& x) {
  const auto size = static_cast<int64_t>(x.values.size());
  std::vector<int64_t> order(static_cast<size_t>(size));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return x.values[a] < x.values[b]; });
  std::vector<double> probs(static_cast<size_t>(size));
  for (int64_t first = 0; first < size;) {
    int64_t last = first;
    while (last + 1 < size && x.values[order[last + 1]] == x.values[order[first]]) ++last;
    const double rank = static_cast<double>(first + last) / 2.0 + 1.0;
    const double prob = (rank - kBlomOffset) / (static_cast<double>(size) - 2.0 * kBlomOffset + 1.0);
    for (int64_t k = first; k <= last; ++k) probs[order[k]] = prob;
    first = last + 1;
  }
  const at::Tensor scores = at::special_ndtri(at::from_blob(probs.data(), {size}, at::kDouble));
  const double* z = scores.data_ptr<double>();
  return Chains{x.count, x.length, std::vector<double>(z, z + size)};
}

Chains folded(const Chains& x, double median) {
  Chains out = x;
  for (double& v : out.values) v = std::abs(v - median);
  return out;
}

Chains indicator_at_most(const Chains& x, double threshold) {
  Chains out = x;
  for (double& v : out.values) v = v <= threshold ? 1.0 : 0.0;
  return out;
}

double chain_means_variance(const Chains& x) {
  std::vector<double> means(static_cast<size_t>(x.count));
  for (int64_t c = 0; c < x.count; ++c) means[c] = mean_of(&x.values[c * x.length], x.length);
  return variance_of(means.data(), x.count);
}

// R-hat of chains already split: sqrt(var_plus / W), where W is the mean
// within-chain variance and var_plus = (n - 1)/n W + B/n the pooled estimate
// that overestimates the variance until the chains mix.
double rhat_of(const Chains& x) {
  if (x.length < 2 || all_equal(x)) return kNaN;
  const auto n = static_cast<double>(x.length);
  double within = 0.0;
  for (int64_t c = 0; c < x.count; ++c) within += variance_of(&x.values[c * x.length], x.length);
  within /= static_cast<double>(x.count);
  const double var_plus = (n - 1.0) / n * within + chain_means_variance(x);
  return std::sqrt(var_plus / within);
}

// The biased (divided by n) autocovariance at every lag, averaged over the
// chains. By FFT: zero-padding to at least 2n - 1 turns its circular
// correlation into the linear one, in O(n log n) rather than O(n^2).
std::vector<double> mean_autocovariance(const Chains& x) {
  const int64_t n = x.length;
  auto values = std::vector<double>(x.values);
  const at::Tensor draws = at::from_blob(values.data(), {x.count, n}, at::kDouble);
  const at::Tensor centered = draws - draws.mean(1, /*keepdim=*/true);
  int64_t padded = 1;
  while (padded < 2 * n) padded *= 2;
  const at::Tensor spectrum = at::fft_rfft(centered, padded, 1);
  const at::Tensor power = at::abs(spectrum).square();
  const at::Tensor acov = (at::fft_irfft(power, padded, 1).narrow(1, 0, n).mean(0) / static_cast<double>(n)).contiguous();
  const double* a = acov.data_ptr<double>();
  return std::vector<double>(a, a + n);
}

// Effective sample size of chains already split (Stan's reference manual,
// "Effective sample size"): S / tau with tau = 1 + 2 sum_t rho_t, where the
// autocorrelations rho_t combine the chains as 1 - (W - mean_c acov_c(t)) /
// var_plus, so that disagreeing chains lower the ESS too.
double ess_of(const Chains& x) {
  if (x.length < kMinDrawsForEss / 2 || all_equal(x)) return kNaN;
  const int64_t n = x.length;
  const std::vector<double> acov = mean_autocovariance(x);
  const double within = acov[0] * static_cast<double>(n) / static_cast<double>(n - 1);
  const double var_plus = acov[0] + (x.count > 1 ? chain_means_variance(x) : 0.0);
  const auto rho = [&](int64_t t) { return 1.0 - (within - acov[t]) / var_plus; };

  // Geyer's initial positive sequence: for a reversible chain the sums of
  // pairs (lags 2k, 2k + 1) are positive, so the first negative pair marks
  // where noise takes over. Pairs near the end are too noisy to try.
  std::vector<double> rho_t(static_cast<size_t>(n), 0.0);
  rho_t[0] = 1.0;
  rho_t[1] = rho(1);
  double even = 1.0, odd = rho_t[1];
  int64_t last = 0;  // the even lag of the last pair examined
  while (last + 5 < n && even + odd > 0) {
    last += 2;
    even = rho(last);
    odd = rho(last + 1);
    if (even + odd >= 0) {
      rho_t[last] = even;
      rho_t[last + 1] = odd;
    }
  }
  // The paper's improved estimate counts the last even lag once more (if
  // positive): less variance for antithetic chains, whose odd lags are negative.
  if (even > 0) rho_t[last] = even;
  // Geyer's initial monotone sequence: a pair may not exceed the one before.
  for (int64_t t = 2; t + 2 <= last; t += 2) {
    const double previous = rho_t[t - 2] + rho_t[t - 1];
    if (rho_t[t] + rho_t[t + 1] > previous) rho_t[t] = rho_t[t + 1] = previous / 2.0;
  }
  const double pairs = std::accumulate(rho_t.begin(), rho_t.begin() + std::max<int64_t>(last, 1), 0.0);
  const double total = static_cast<double>(x.count * n);
  // Stan caps the ESS at S log10(S): beyond that the estimate is noise.
  const double tau = std::max(-1.0 + 2.0 * pairs + rho_t[last], 1.0 / std::log10(total));
  return total / tau;
}

double bulk_rhat_of(const Chains& x) {
  if (x.length < kMinDrawsForRhat || !all_finite(x)) return kNaN;
  return rhat_of(rank_normalized(split_halves(x)));
}

double tail_rhat_of(const Chains& x, double median) {
  if (x.length < kMinDrawsForRhat || !all_finite(x)) return kNaN;
  return rhat_of(rank_normalized(split_halves(folded(x, median))));
}

double bulk_ess_of(const Chains& x) {
  if (x.length < kMinDrawsForEss || !all_finite(x)) return kNaN;
  return ess_of(rank_normalized(split_halves(x)));
}

double tail_ess_of(const Chains& x, double q_low, double q_high) {
  if (x.length < kMinDrawsForEss || !all_finite(x)) return kNaN;
  return min_defined(ess_of(split_halves(indicator_at_most(x, q_low))),
                     ess_of(split_halves(indicator_at_most(x, q_high))));
}

double mean_ess_of(const Chains& x) {
  if (x.length < kMinDrawsForEss || !all_finite(x)) return kNaN;
  return ess_of(split_halves(x));
}

double sd_of(const Chains& x) {
  if (x.values.size() < 2) return kNaN;
  return std::sqrt(variance_of(x.values.data(), static_cast<int64_t>(x.values.size())));
}

// NaN sorts unpredictably: quantiles of draws with NaN are NaN.
bool any_nan(const Chains& x) {
  return std::any_of(x.values.begin(), x.values.end(), [](double v) { return std::isnan(v); });
}

double median_of(const Chains& x) {
  return any_nan(x) ? kNaN : quantile_of_sorted(sorted_values(x), 0.5);
}

template <class F>
double guarded_statistic(const at::Tensor& draws, std::string_view callee, F&& statistic) {
  return torch_guard(callee, [&] { return statistic(chains_of(draws, callee)); });
}

}  // namespace

double bulk_rhat(const at::Tensor& draws) {
  return guarded_statistic(draws, "bulk_rhat", [](const Chains& x) { return bulk_rhat_of(x); });
}

double tail_rhat(const at::Tensor& draws) {
  return guarded_statistic(draws, "tail_rhat", [](const Chains& x) { return tail_rhat_of(x, median_of(x)); });
}

double split_rhat(const at::Tensor& draws) {
  return guarded_statistic(draws, "split_rhat", [](const Chains& x) {
    return max_defined(bulk_rhat_of(x), tail_rhat_of(x, median_of(x)));
  });
}

double basic_split_rhat(const at::Tensor& draws) {
  return guarded_statistic(draws, "basic_split_rhat", [](const Chains& x) {
    if (x.length < kMinDrawsForRhat || !all_finite(x)) return kNaN;
    return rhat_of(split_halves(x));
  });
}

double bulk_ess(const at::Tensor& draws) {
  return guarded_statistic(draws, "bulk_ess", [](const Chains& x) { return bulk_ess_of(x); });
}

double tail_ess(const at::Tensor& draws) {
  return guarded_statistic(draws, "tail_ess", [](const Chains& x) {
    if (any_nan(x)) return kNaN;
    const std::vector<double> sorted = sorted_values(x);
    return tail_ess_of(x, quantile_of_sorted(sorted, kTailLow), quantile_of_sorted(sorted, kTailHigh));
  });
}

double mean_ess(const at::Tensor& draws) {
  return guarded_statistic(draws, "mean_ess", [](const Chains& x) { return mean_ess_of(x); });
}

double mcse_mean(const at::Tensor& draws) {
  return guarded_statistic(draws, "mcse_mean", [](const Chains& x) { return sd_of(x) / std::sqrt(mean_ess_of(x)); });
}

double draws_quantile(const at::Tensor& draws, double prob) {
  if (!(prob >= 0.0 && prob <= 1.0)) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", prob);
    raise(std::string("draws_quantile(): prob must be in [0, 1], got ") + text);
  }
  return guarded_statistic(draws, "draws_quantile", [&](const Chains& x) {
    return any_nan(x) ? kNaN : quantile_of_sorted(sorted_values(x), prob);
  });
}

DrawStatistics compute_draw_statistics(const at::Tensor& draws) {
  return torch_guard("compute_draw_statistics", [&] {
    const Chains x = chains_of(draws, "compute_draw_statistics");
    DrawStatistics s{};
    s.mean = x.values.empty() ? kNaN : mean_of(x.values.data(), static_cast<int64_t>(x.values.size()));
    s.sd = sd_of(x);
    s.mcse_mean = s.sd / std::sqrt(mean_ess_of(x));
    const std::vector<double> sorted = any_nan(x) ? std::vector<double>{} : sorted_values(x);
    s.q5 = quantile_of_sorted(sorted, kTailLow);
    s.q50 = quantile_of_sorted(sorted, 0.5);
    s.q95 = quantile_of_sorted(sorted, kTailHigh);
    s.ess_bulk = bulk_ess_of(x);
    s.ess_tail = tail_ess_of(x, s.q5, s.q95);
    s.r_hat = max_defined(bulk_rhat_of(x), tail_rhat_of(x, s.q50));
    return s;
  });
}

}  // namespace kiln::rt
