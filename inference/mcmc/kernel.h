// The MCMC kernels a program builds, HMC(model, ...) and NUTS(model, ...),
// with Pyro's signatures: the model and the sampler's settings, immutable.
// MCMC (mcmc.h) runs them; each chain gets a fresh sampler from
// make_sampler, so one kernel serves any number of chains and runs.
//
//   kernel = NUTS(model, target_accept_prob=0.9, max_tree_depth=12)
//   kernel = HMC(model, step_size=0.1, num_steps=20, adapt_step_size=False)
//   kernel = NUTS(model, full_mass=True, init_strategy=init_to_value(values={"mu": 0.0}))
//
// HMC's trajectory length is trajectory_length, else step_size * num_steps,
// else 2 pi (Stan's int_time); its number of steps follows the adapted step
// size. The default init_strategy is init_to_uniform (radius 2), as Stan.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "inference/mcmc/hmc.h"
#include "runtime/value.h"

namespace kiln::rt {

enum class KernelKind : uint8_t { kHmc, kNuts };

struct KernelOptions {
  double step_size = 1.0;
  std::optional<int64_t> num_steps;           // HMC
  std::optional<double> trajectory_length;    // HMC
  bool adapt_step_size = true;
  bool adapt_mass_matrix = true;
  bool full_mass = false;
  double target_accept_prob = 0.8;
  int64_t max_tree_depth = 10;                // NUTS
  Value init_strategy;  // a strategy or a function of a site (check_init_loc_fn)
};

class McmcKernel final : public Object {
 public:
  // Deepest tree allowed: 2^30 leapfrog steps per draw is already beyond
  // any run's patience.
  static constexpr int64_t kMaxTreeDepthLimit = 30;

  // Raises KilnError naming `name()` for a model that is not callable or an
  // option out of range (step_size and trajectory_length positive,
  // num_steps >= 1, target_accept_prob in (0, 1), max_tree_depth in
  // [1, 30]). A None init_strategy becomes init_to_uniform().
  McmcKernel(KernelKind kind, Value model, KernelOptions options);

  KernelKind kind() const { return kind_; }
  std::string name() const { return kind_ == KernelKind::kNuts ? "NUTS" : "HMC"; }
  const Value& model() const { return model_; }
  const KernelOptions& options() const { return options_; }
  const Value& init_strategy() const { return options_.init_strategy; }
  // The metric's name in Stan's terms: "diag_e", "dense_e" or (no mass
  // matrix adaptation) "unit_e".
  std::string metric_name() const;
  double trajectory_length() const;

  // A sampler for one chain over `dim` unconstrained coordinates.
  std::unique_ptr<HmcSampler> make_sampler(PotentialGradient potential, int64_t dim) const;

  // Object: printed "NUTS(model=<function model>, target_accept_prob=0.8,
  // ...)"; attributes .model .step_size .num_steps (HMC) .trajectory_length
  // (HMC) .adapt_step_size .adapt_mass_matrix .full_mass .target_accept_prob
  // .max_tree_depth (NUTS) .init_strategy.
  std::string type_name() const override { return name(); }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override {
    out.push_back(model_);
    out.push_back(options_.init_strategy);
  }

 private:
  KernelKind kind_;
  Value model_;
  KernelOptions options_;
};

// The kernel held by v, or null.
const McmcKernel* as_mcmc_kernel(const Value& v);

}  // namespace kiln::rt
