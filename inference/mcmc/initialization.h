// The starting point of an HMC or NUTS chain: each latent site's initial
// constrained value from the kernel's init strategy (init_to_uniform(radius=2)
// by default, as Stan and Pyro: biject_to(support)(u), u ~ Uniform(-2, 2)),
// or from MCMC's initial_params (a dict of constrained values by site name,
// unlike Pyro's unconstrained ones), moved to the unconstrained space.
//
// A point whose potential or gradient is not finite is drawn again, up to
// kMaxInitAttempts times; then a KilnError names the first site whose value
// or log_prob is not finite at the last attempt, with its distribution
// (rather than Stan's wall of "Rejecting initial value" lines).
//
//   std::vector<double> z0 = find_initial_point(potential, init_strategy, initial_params);
#pragma once

#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

class Potential;

inline constexpr int kMaxInitAttempts = 100;

// `init_strategy`: what check_init_loc_fn (inference/autoguide/
// init_strategies.h) returns; `initial_params`: None or a dict name ->
// constrained value. Raises KilnError for an initial_params key that is not
// a latent site, a value of the wrong shape or outside the support, and when
// no valid point is found.
std::vector<double> find_initial_point(const Potential& potential, const Value& init_strategy,
                                       const Value& initial_params);

}  // namespace kiln::rt
