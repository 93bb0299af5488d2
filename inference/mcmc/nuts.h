// The No-U-Turn Sampler as Stan implements it (Betancourt 2017, "A
// Conceptual Introduction to Hamiltonian Monte Carlo", appendix A; Stan's
// base_nuts): multinomial NUTS with the generalized no-U-turn criterion.
//
// Each transition draws a momentum and doubles a trajectory from the
// current point, forwards or backwards in time at random, until
//  - the trajectory makes a U-turn: for the whole trajectory and for every
//    subtree, the summed momentum rho must keep a positive projection on the
//    velocities M^{-1} p at both ends; merged subtrees are also checked
//    across their seam (each half's rho extended by the nearest point of the
//    other half), which catches U-turns that two halves hide from each other;
//  - a subtree diverges: its energy error H - H0 exceeds 1000;
//  - the tree reaches max_tree_depth (2^depth - 1 leapfrog steps).
// The draw is a multinomial choice over the trajectory's points weighted by
// exp(-H): uniform within each subtree, and biased towards the new subtree
// when it is merged at the top level (Betancourt's "biased progressive
// sampling"), which moves further from the start. A subtree that U-turns or
// diverges is discarded whole. The acceptance statistic for step-size
// adaptation is the mean of min(1, exp(H0 - H)) over every leapfrog step.
//
//   NutsSampler s(potential, dim, settings);  // settings.max_tree_depth
//   s.start(z0); ... as HmcSampler (hmc.h)
#pragma once

#include "inference/mcmc/hmc.h"

namespace kiln::rt {

class NutsSampler final : public HmcSampler {
 public:
  NutsSampler(PotentialGradient potential, int64_t dim, const HmcSettings& settings)
      : HmcSampler(std::move(potential), dim, settings) {}

  DrawStats transition() override;

 private:
  struct Span;        // a stretch of trajectory: summed momentum, its two ends, its proposal
  struct Trajectory;  // what the whole transition accumulates
  bool build_tree(int64_t depth, PhasePoint& frontier, double direction, Span& out, Trajectory& t);
  Span leaf(const PhasePoint& z, Trajectory& t) const;
};

}  // namespace kiln::rt
