// Hamiltonian Monte Carlo on a flat unconstrained vector: the machinery HMC
// and NUTS share (the current point, the metric, the step size, Stan's
// step-size heuristic, warmup adaptation) and HMC's own transition, a
// trajectory of fixed length (Stan's static HMC, Pyro's HMC):
//
//   num_steps = max(1, int(trajectory_length / step_size)),
//
// then a Metropolis accept/reject of its end point. One HmcSampler runs one
// chain; NutsSampler (nuts.h) overrides transition().
//
//   HmcSampler s(potential, dim, settings);
//   s.start(z0);                                // from find_initial_point
//   s.begin_warmup(num_warmup);
//   for (...) s.warmup_transition();
//   s.end_warmup();                             // step size fixed to exp(x̄)
//   for (...) { DrawStats d = s.transition(); use(s.position()); }
//
// Draws take their random numbers from global_generator() (sampler_random.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "inference/mcmc/adaptation.h"
#include "inference/mcmc/hamiltonian.h"
#include "inference/mcmc/sampler_random.h"

namespace kiln::rt {

// An energy error beyond this marks a divergent trajectory (Stan's and
// Pyro's max_deltaH): the integrator has left the level set for good.
inline constexpr double kMaxEnergyError = 1000.0;

// What one transition reports: Stan's sampler columns.
struct DrawStats {
  double lp = 0;           // lp__: -U at the draw (log density incl. Jacobian, up to a constant)
  double accept_stat = 0;  // accept_stat__: mean acceptance probability of the trajectory
  double step_size = 0;    // stepsize__ used for the transition
  int64_t tree_depth = 0;  // treedepth__ (NUTS; 0 for HMC)
  int64_t n_leapfrog = 0;  // n_leapfrog__: leapfrog steps taken
  bool divergent = false;  // divergent__
  double energy = 0;       // energy__: the Hamiltonian at the draw
};

struct HmcSettings {
  std::string who = "HMC";                      // the kernel, for messages
  double step_size = 1.0;                       // the initial step size
  double trajectory_length = 6.283185307179586;  // HMC only: 2 pi, as Stan's int_time
  int64_t max_tree_depth = 10;                   // NUTS only
  AdaptationOptions adaptation;
};

class HmcSampler {
 public:
  HmcSampler(PotentialGradient potential, int64_t dim, const HmcSettings& settings);
  virtual ~HmcSampler() = default;
  HmcSampler(const HmcSampler&) = delete;
  HmcSampler& operator=(const HmcSampler&) = delete;

  // Moves to q, whose potential must be finite (InternalError otherwise).
  void start(const std::vector<double>& q);

  // Warmup: begin_warmup runs the step-size heuristic (when adapting the
  // step size) and starts the adaptation; each warmup_transition is a
  // transition followed by one adaptation step; end_warmup fixes the step
  // size. With num_warmup == 0 nothing is adapted.
  void begin_warmup(int64_t num_warmup);
  DrawStats warmup_transition();
  void end_warmup();

  // One transition from the current point; the new point is position().
  virtual DrawStats transition();

  // Stan's heuristic (base_hmc::init_stepsize): from the current step size,
  // double (or halve) it until one leapfrog step from the current point,
  // with fresh momentum, crosses an acceptance probability of 0.8. Raises
  // KilnError if the step size passes 1e7 (an improper posterior) or
  // underflows to 0 (a discontinuous density).
  void init_step_size();

  const std::vector<double>& position() const { return current_.q; }
  double potential() const { return current_.potential; }
  double step_size() const { return step_size_; }
  const Metric& metric() const { return metric_; }
  // HMC's number of leapfrog steps at the current step size.
  int64_t num_steps() const;

 protected:
  PotentialGradient potential_;
  HmcSettings settings_;
  Metric metric_;
  SamplerRandom rng_;
  PhasePoint current_;  // the chain's state; its momentum is stale between transitions
  double step_size_;

 private:
  std::unique_ptr<WarmupAdapter> adapter_;
  int64_t warmup_iteration_ = 0;
};

}  // namespace kiln::rt
