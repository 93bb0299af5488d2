// Warmup adaptation of HMC and NUTS, as Stan does it:
//
//  - the step size by dual averaging of its log (Nesterov's primal-dual
//    method as Hoffman & Gelman 2014, §3.2, adapt it), aiming the average
//    acceptance statistic at target_accept_prob; after warmup the step size
//    is fixed to exp(x̄), the averaged iterate;
//  - the inverse metric from the sample (co)variance of the positions in
//    windows: a fast initial buffer (75 iterations) lets the chain find the
//    typical set, then slow windows of 25, 50, 100, ... iterations each
//    re-estimate the metric (the last one stretched to end where the
//    terminal buffer starts), then a fast terminal buffer (50) tunes the
//    step size to the final metric. Warmups shorter than 150 iterations use
//    15% / 75% / 10% of it for the three stages; shorter than 20, the metric
//    is not adapted at all (only the step size). Each estimate is
//    regularized towards a small multiple of the identity:
//        (n / (n + 5)) * var + 1e-3 * (5 / (n + 5))
//    and at each window's end the step size search starts again.
//
//   WarmupAdapter adapter(options, num_warmup, dim);
//   adapter.restart_step_size(step_size);
//   for each warmup iteration:
//     draw = sampler.transition();
//     if (adapter.learn(draw.accept_stat, q, step_size, metric)) {
//       ... re-run the step-size heuristic, then adapter.restart_step_size(step_size)
//     }
//   step_size = adapter.final_step_size(step_size);
#pragma once

#include <cstdint>
#include <vector>

namespace kiln::rt {

class Metric;

// Dual averaging of log(step size) (Hoffman & Gelman 2014, Algorithm 5).
class DualAveraging {
 public:
  // Stan's and Pyro's constants: gamma controls the shrinkage towards mu,
  // t0 damps the first iterations, kappa sets how fast the averaging
  // forgets early iterates.
  static constexpr double kGamma = 0.05;
  static constexpr double kT0 = 10.0;
  static constexpr double kKappa = 0.75;

  explicit DualAveraging(double target_accept_prob) : target_(target_accept_prob) {}

  // Starts over around `step_size`: mu = log(10 * step_size), so early,
  // noisy statistics explore step sizes larger than the heuristic's guess
  // rather than collapse to tiny ones.
  void restart(double step_size);
  // Takes one acceptance statistic (clipped to 1); returns the next step
  // size exp(x_t).
  double update(double accept_stat);
  // exp(x̄): the step size to keep after warmup; `fallback` if no statistic
  // was seen since the last restart.
  double final_step_size(double fallback) const;

 private:
  double target_;
  double mu_ = 0;
  int64_t count_ = 0;
  double s_bar_ = 0;  // running average of target - accept_stat
  double x_bar_ = 0;  // averaged log step size
};

// Stan's warmup windows: which iterations feed the metric estimate and
// after which ones the estimate is taken.
class AdaptationWindows {
 public:
  static constexpr int64_t kInitBuffer = 75;
  static constexpr int64_t kBaseWindow = 25;
  static constexpr int64_t kTermBuffer = 50;
  // Below this many warmup iterations the metric is not adapted.
  static constexpr int64_t kMinWarmup = 20;

  explicit AdaptationWindows(int64_t num_warmup);

  // Whether warmup iteration `i` (0-based) adds its position to the
  // estimate, and whether the estimate is taken after it.
  bool collects(int64_t i) const;
  bool ends_window(int64_t i) const;
  // The last iteration of each slow window, in order (for tests and docs).
  const std::vector<int64_t>& window_ends() const { return ends_; }

 private:
  int64_t num_warmup_;
  int64_t init_buffer_ = 0;
  int64_t term_buffer_ = 0;
  bool enabled_ = false;
  std::vector<int64_t> ends_;
};

// Welford's running mean and (co)variance of positions.
class CovarianceEstimator {
 public:
  CovarianceEstimator(int64_t dim, bool dense);
  void add(const std::vector<double>& q);
  int64_t count() const { return n_; }
  // Stan's regularized estimate: the diagonal (dim) or the dense matrix
  // (dim * dim, row-major). Needs at least two samples.
  std::vector<double> regularized() const;
  void restart();

 private:
  int64_t dim_;
  bool dense_;
  int64_t n_ = 0;
  std::vector<double> mean_;
  std::vector<double> m2_;  // sums of squared (cross-)deviations
};

struct AdaptationOptions {
  bool adapt_step_size = true;
  bool adapt_mass_matrix = true;
  bool full_mass = false;
  double target_accept_prob = 0.8;
};

class WarmupAdapter {
 public:
  WarmupAdapter(const AdaptationOptions& options, int64_t num_warmup, int64_t dim);

  void restart_step_size(double step_size);
  // After warmup iteration number `iteration` (0-based) with acceptance
  // statistic `accept_stat` ending at position `q`: updates `step_size`
  // (when adapting it) and, at a window's end, `metric`. Returns true when
  // the metric changed, so the caller re-runs the step-size heuristic and
  // restarts the dual averaging.
  bool learn(int64_t iteration, double accept_stat, const std::vector<double>& q, double& step_size,
             Metric& metric);
  // The step size to sample with after warmup.
  double final_step_size(double step_size) const;

 private:
  AdaptationOptions options_;
  DualAveraging step_size_;
  AdaptationWindows windows_;
  CovarianceEstimator estimator_;
};

}  // namespace kiln::rt
