#include "inference/mcmc/hmc.h"

#include <algorithm>
#include <cmath>

#include "runtime/errors.h"

namespace kiln::rt {

namespace {

// Stan's heuristic aims one leapfrog step at this acceptance probability.
const double kLogHeuristicAccept = std::log(0.8);
// Beyond this the heuristic gives up: no finite step size fails.
constexpr double kMaxStepSize = 1e7;

}  // namespace

HmcSampler::HmcSampler(PotentialGradient potential, int64_t dim, const HmcSettings& settings)
    : potential_(std::move(potential)),
      settings_(settings),
      metric_(dim, settings.adaptation.full_mass),
      step_size_(settings.step_size) {}

void HmcSampler::start(const std::vector<double>& q) {
  current_.q = q;
  current_.p.assign(q.size(), 0.0);
  current_.potential = potential_(current_.q, current_.grad);
  KILN_ASSERT(std::isfinite(current_.potential), "HmcSampler::start: the initial point is not valid");
}

int64_t HmcSampler::num_steps() const {
  const double steps = std::floor(settings_.trajectory_length / step_size_);
  return std::max<int64_t>(1, static_cast<int64_t>(steps));
}

DrawStats HmcSampler::transition() {
  DrawStats d;
  d.step_size = step_size_;
  PhasePoint z = current_;
  metric_.sample_momentum(rng_, z.p);
  const double h0 = hamiltonian(z, metric_);
  const int64_t steps = num_steps();
  while (d.n_leapfrog < steps) {
    leapfrog(z, step_size_, metric_, potential_);
    ++d.n_leapfrog;
    if (!std::isfinite(z.potential)) break;  // the rest of the trajectory is lost
  }
  const double h = hamiltonian(z, metric_);
  d.divergent = h - h0 > kMaxEnergyError;
  const double accept = h > h0 ? std::exp(h0 - h) : 1.0;
  d.accept_stat = accept;
  if (rng_.uniform() < accept) {
    current_ = std::move(z);
    d.energy = h;
  } else {
    d.energy = h0;
  }
  d.lp = -current_.potential;
  return d;
}

void HmcSampler::init_step_size() {
  if (!(step_size_ > 0) || step_size_ > kMaxStepSize) return;
  // The log acceptance probability of one step from the current point.
  auto one_step = [this]() {
    PhasePoint z = current_;
    metric_.sample_momentum(rng_, z.p);
    const double h0 = hamiltonian(z, metric_);
    leapfrog(z, step_size_, metric_, potential_);
    return h0 - hamiltonian(z, metric_);
  };
  const int direction = one_step() > kLogHeuristicAccept ? 1 : -1;
  while (true) {
    const double delta = one_step();
    if (direction == 1 && !(delta > kLogHeuristicAccept)) break;
    if (direction == -1 && !(delta < kLogHeuristicAccept)) break;
    step_size_ = direction == 1 ? 2 * step_size_ : 0.5 * step_size_;
    if (step_size_ > kMaxStepSize)
      raise(settings_.who + ": the step size search passed 1e7: the posterior looks improper",
            "check that every latent site has a proper prior and the likelihood depends on it");
    if (step_size_ == 0)
      raise(settings_.who + ": the step size search found no acceptable step size: the log density looks "
            "discontinuous or infinite near the initial point",
            "check the model for hard boundaries (a Uniform prior on a parameter another site's "
            "support depends on) or start elsewhere with initial_params");
  }
}

void HmcSampler::begin_warmup(int64_t num_warmup) {
  warmup_iteration_ = 0;
  if (num_warmup <= 0) return;
  adapter_ = std::make_unique<WarmupAdapter>(settings_.adaptation, num_warmup,
                                             static_cast<int64_t>(current_.q.size()));
  if (settings_.adaptation.adapt_step_size) init_step_size();
  adapter_->restart_step_size(step_size_);
}

DrawStats HmcSampler::warmup_transition() {
  const DrawStats d = transition();
  if (adapter_ == nullptr) return d;
  const bool metric_changed =
      adapter_->learn(warmup_iteration_++, d.accept_stat, current_.q, step_size_, metric_);
  if (metric_changed) {
    // A new metric changes the geometry the step size was tuned to.
    if (settings_.adaptation.adapt_step_size) init_step_size();
    adapter_->restart_step_size(step_size_);
  }
  return d;
}

void HmcSampler::end_warmup() {
  if (adapter_ != nullptr) step_size_ = adapter_->final_step_size(step_size_);
  adapter_.reset();
}

}  // namespace kiln::rt
