#include "inference/mcmc/adaptation.h"

#include <algorithm>
#include <cmath>

#include "inference/mcmc/hamiltonian.h"

namespace kiln::rt {

namespace {

// Stan's shrinkage of the metric estimate towards kRegularizer * I with the
// weight of kPriorSamples pseudo-samples: keeps short windows from producing
// a near-singular metric.
constexpr double kPriorSamples = 5.0;
constexpr double kRegularizer = 1e-3;

}  // namespace

// ---------------------------------------------------------------- dual averaging

void DualAveraging::restart(double step_size) {
  mu_ = std::log(10 * step_size);
  count_ = 0;
  s_bar_ = 0;
  x_bar_ = 0;
}

double DualAveraging::update(double accept_stat) {
  ++count_;
  const double a = std::min(1.0, accept_stat);
  const double t = static_cast<double>(count_);
  const double eta = 1.0 / (t + kT0);
  s_bar_ = (1 - eta) * s_bar_ + eta * (target_ - a);
  const double x = mu_ - s_bar_ * std::sqrt(t) / kGamma;
  const double weight = std::pow(t, -kKappa);
  x_bar_ = (1 - weight) * x_bar_ + weight * x;
  return std::exp(x);
}

double DualAveraging::final_step_size(double fallback) const {
  return count_ == 0 ? fallback : std::exp(x_bar_);
}

// ---------------------------------------------------------------- windows

AdaptationWindows::AdaptationWindows(int64_t num_warmup) : num_warmup_(num_warmup) {
  if (num_warmup < kMinWarmup) return;
  int64_t init = kInitBuffer, term = kTermBuffer, base = kBaseWindow;
  if (init + base + term > num_warmup) {
    // Stan's split of a short warmup: 15% fast, 75% one slow window, 10% fast.
    init = static_cast<int64_t>(0.15 * static_cast<double>(num_warmup));
    term = static_cast<int64_t>(0.1 * static_cast<double>(num_warmup));
    base = num_warmup - (init + term);
  }
  enabled_ = true;
  init_buffer_ = init;
  term_buffer_ = term;
  // Windows double in length; when the one after next would not fit before
  // the terminal buffer, the next one is stretched to reach it.
  const int64_t last = num_warmup - term - 1;
  int64_t size = base;
  int64_t next = init + size - 1;
  while (true) {
    ends_.push_back(next);
    if (next >= last) break;
    const int64_t end = next;
    size *= 2;
    next = end + size;
    if (next != last && next + 2 * size >= num_warmup - term) next = last;
  }
}

bool AdaptationWindows::collects(int64_t i) const {
  return enabled_ && i >= init_buffer_ && i < num_warmup_ - term_buffer_;
}

bool AdaptationWindows::ends_window(int64_t i) const {
  return enabled_ && std::binary_search(ends_.begin(), ends_.end(), i);
}

// ---------------------------------------------------------------- estimator

CovarianceEstimator::CovarianceEstimator(int64_t dim, bool dense) : dim_(dim), dense_(dense) {
  restart();
}

void CovarianceEstimator::restart() {
  n_ = 0;
  mean_.assign(static_cast<size_t>(dim_), 0.0);
  m2_.assign(static_cast<size_t>(dense_ ? dim_ * dim_ : dim_), 0.0);
}

void CovarianceEstimator::add(const std::vector<double>& q) {
  ++n_;
  std::vector<double> before(static_cast<size_t>(dim_));
  for (int64_t i = 0; i < dim_; ++i) {
    before[i] = q[i] - mean_[i];
    mean_[i] += before[i] / static_cast<double>(n_);
  }
  if (!dense_) {
    for (int64_t i = 0; i < dim_; ++i) m2_[i] += before[i] * (q[i] - mean_[i]);
    return;
  }
  for (int64_t i = 0; i < dim_; ++i) {
    const double after_i = q[i] - mean_[i];
    for (int64_t j = 0; j < dim_; ++j) m2_[i * dim_ + j] += after_i * before[j];
  }
}

std::vector<double> CovarianceEstimator::regularized() const {
  const double n = static_cast<double>(n_);
  const double shrink = n / (n + kPriorSamples);
  const double ridge = kRegularizer * kPriorSamples / (n + kPriorSamples);
  std::vector<double> out(m2_.size());
  for (size_t k = 0; k < m2_.size(); ++k) out[k] = shrink * m2_[k] / (n - 1);
  if (!dense_) {
    for (double& v : out) v += ridge;
  } else {
    // Symmetrize: the Welford update accumulates after_i * before_j, whose
    // sum is symmetric only up to rounding.
    for (int64_t i = 0; i < dim_; ++i)
      for (int64_t j = 0; j < i; ++j) {
        const double s = 0.5 * (out[i * dim_ + j] + out[j * dim_ + i]);
        out[i * dim_ + j] = out[j * dim_ + i] = s;
      }
    for (int64_t i = 0; i < dim_; ++i) out[i * dim_ + i] += ridge;
  }
  return out;
}

// ---------------------------------------------------------------- warmup

WarmupAdapter::WarmupAdapter(const AdaptationOptions& options, int64_t num_warmup, int64_t dim)
    : options_(options),
      step_size_(options.target_accept_prob),
      windows_(options.adapt_mass_matrix ? num_warmup : 0),
      estimator_(dim, options.full_mass) {}

void WarmupAdapter::restart_step_size(double step_size) { step_size_.restart(step_size); }

bool WarmupAdapter::learn(int64_t iteration, double accept_stat, const std::vector<double>& q,
                          double& step_size, Metric& metric) {
  if (options_.adapt_step_size) step_size = step_size_.update(accept_stat);
  if (!options_.adapt_mass_matrix) return false;
  if (windows_.collects(iteration)) estimator_.add(q);
  if (!windows_.ends_window(iteration) || estimator_.count() < 2) return false;
  metric.set_inverse(estimator_.regularized());
  estimator_.restart();
  return true;
}

double WarmupAdapter::final_step_size(double step_size) const {
  return options_.adapt_step_size ? step_size_.final_step_size(step_size) : step_size;
}

}  // namespace kiln::rt
