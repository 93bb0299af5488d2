// MCMC (Pyro's pyro.infer.MCMC): runs an HMC or NUTS kernel (kernel.h) for
// several chains and keeps their draws.
//
//   mcmc = MCMC(NUTS(model), num_samples=1000, warmup_steps=500, num_chains=4,
//               seed=1, output="draws.csv")
//   mcmc.run(J, sigma, y)               # the model's arguments
//   mcmc.summary()                      # the table of summary.h, and the divergences
//   s = mcmc.get_samples()              # {site: tensor (chains * num_samples, ...)}
//   s = mcmc.get_samples(group_by_chain=True)   # (chains, num_samples, ...)
//   mcmc.diagnostics()                  # per-site n_eff and r_hat, per-chain divergences,
//                                       # acceptance rate, tree depth saturation, step size
//   mcmc.num_divergences                # after warmup, all chains
//
// Samples are the latent sites' constrained values in the model's dtype.
// warmup_steps defaults to num_samples, as Pyro. initial_params is a dict of
// constrained values by site (unlike Pyro, whose values are unconstrained);
// sites it omits start from the kernel's init_strategy.
//
// Chains are independent: chain i draws from its own generator, seeded from
// (seed, i) (chain.h; seed=None: a seed drawn from the global generator, so
// `kiln run --seed N` fixes the run), and builds its own Potential, so its
// draws are the same whether chains run in parallel or one after another.
// chain_method="parallel" (the default, as NumPyro's) runs them on
// min(num_chains, cores) threads, each with a fork of the interpreter
// (Interpreter::fork: the program's globals, the model, its arguments and
// the kernel become immortal and shared read-only); "sequential" runs them
// on the calling thread. Inside handlers of the caller (a `with` block
// around mcmc.run) the chains run sequentially, so those handlers see them.
// If one chain fails, the others stop at their next iteration and its
// error is raised; Ctrl-C stops all of them.
//
// Progress goes to standard error (progress.h) unless disable_progbar=True.
// After the run, divergent transitions and draws that hit the maximum tree
// depth are reported on standard error as warnings. With output="draws.csv",
// each chain streams its draws to a CmdStan CSV as they are made:
// "draws.csv" for one chain, "draws_1.csv", "draws_2.csv", ... for several.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "inference/mcmc/chain.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

class McmcKernel;

struct McmcOptions {
  int64_t num_samples = 0;
  std::optional<int64_t> warmup_steps;  // None: num_samples
  int64_t num_chains = 1;
  Value initial_params;                 // None or a dict name -> constrained value
  std::optional<uint64_t> seed;         // None: drawn from the global generator
  bool disable_progbar = false;
  std::string output;                   // "" for no CSV
  std::string chain_method = "parallel";  // or "sequential"
};

class Mcmc final : public Object {
 public:
  // Raises KilnError unless kernel is HMC or NUTS, num_samples >= 1,
  // warmup_steps >= 0, num_chains >= 1, initial_params None or a dict.
  Mcmc(Value kernel, McmcOptions options);

  // Runs every chain with the model's arguments, replacing earlier draws.
  void run(const CallArgs& args);

  bool has_run() const { return !chains_.empty(); }
  int64_t num_chains() const { return options_.num_chains; }
  int64_t num_samples() const { return options_.num_samples; }
  int64_t num_warmup() const;
  const std::vector<ChainResult>& chains() const { return chains_; }

  // Each site's draws, shape (chains, num_samples, value shape...), float64,
  // in the model's site order. Raises KilnError before run().
  std::vector<std::pair<std::string, at::Tensor>> samples_by_chain() const;
  // The dict get_samples returns (site dtypes).
  Value get_samples(bool group_by_chain) const;
  // The summary table with the `prob` central interval, then the number of
  // divergences.
  std::string summary_text(double prob) const;
  Value diagnostics() const;
  int64_t num_divergences() const;
  // Draws after warmup whose tree reached max_tree_depth (NUTS).
  int64_t num_saturated_trees() const;

  // Object: methods run(*args, **kwargs), get_samples(group_by_chain=False),
  // summary(prob=0.9), diagnostics(); attributes num_samples, warmup_steps,
  // num_chains, kernel, num_divergences.
  std::string type_name() const override { return "MCMC"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  // A latent site's place in a chain's rows.
  struct Site {
    std::string name;
    std::vector<int64_t> shape;
    int64_t offset = 0, size = 0;
    c10::ScalarType dtype = c10::ScalarType::Float;
  };
  void verify_ran(const std::string& who) const;
  std::string chain_output_path(int64_t chain) const;
  void report_problems() const;

  Value kernel_value_;
  const McmcKernel* kernel_;
  McmcOptions options_;
  std::vector<Site> sites_;
  int64_t value_dim_ = 0;
  std::vector<ChainResult> chains_;
};

}  // namespace kiln::rt
