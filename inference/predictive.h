// Predictive (Pyro's pyro.infer.Predictive): draws from the prior
// predictive, or from the posterior predictive given a guide or posterior
// samples (from MCMC), stacked along a new leading dim:
//
//   Predictive(model, num_samples=100)(x)                  # prior predictive
//   Predictive(model, guide=guide, num_samples=800)(x)    # each draw: the guide, then the model
//   Predictive(model, mcmc.get_samples())(x)              # each draw: the model conditioned
//                                                         # on one posterior sample
//   Predictive(model, samples, return_sites=["obs", "_RETURN"], parallel=True)
//
// Calling it returns a dict site name -> tensor of shape (num_samples,) +
// the site's value shape ("_RETURN": the model's return value). Without
// return_sites, the sites returned are the model's sample sites that the
// posterior samples and the guide do not provide (observed and
// deterministic sites, latent sites the guide lacks); with return_sites,
// exactly those (a name that is no site of the model is an error). As in
// Pyro, observed sites stay observed: call the model with obs=None to
// predict them.
//
// Sample i: the guide (if any) runs under trace and condition(posterior
// sample i); the model runs under trace(replay(condition(model, sample i),
// guide trace)). parallel=True runs all draws at once inside a plate
// "_num_predictive_samples" left of the model's plates (the model must
// broadcast); otherwise a loop. Gradients are off. Errors are KilnErrors
// naming the site.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

struct PredictiveOptions {
  Value guide;              // None or a callable guide
  Value posterior_samples;  // None or a dict name -> tensor with a leading sample dim
  std::optional<int64_t> num_samples;
  std::vector<std::string> return_sites;  // empty: the default rule above
  bool parallel = false;
};

class Predictive final : public Object {
 public:
  // Raises KilnError for a non-callable model or guide, posterior samples
  // that are not a dict of tensors with one leading size, a num_samples
  // that disagrees with it, or no num_samples at all.
  Predictive(Value model, PredictiveOptions options);

  // predictive(*args, **kwargs): the dict of stacked draws.
  Value call(const CallArgs& args) override;
  int64_t num_samples() const { return num_samples_; }

  // Object: attributes .model .guide .posterior_samples .num_samples
  // .return_sites .parallel; method .get_samples(*args, **kwargs) (the same
  // as calling it).
  std::string type_name() const override { return "Predictive"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  struct Run;  // the traces and return value of one (possibly vectorized) draw
  Run run_once(const CallArgs& args, const Value& samples) const;
  // Posterior sample i as a dict (None without posterior samples).
  Value sample_at(int64_t i) const;
  // All posterior samples shaped for the parallel plate.
  Value vectorized_samples(const Run& probe, int64_t nesting) const;
  std::vector<std::string> sites_to_return(const Run& first) const;
  Value run_sequential(const CallArgs& args);
  Value run_parallel(const CallArgs& args);

  Value model_;
  PredictiveOptions options_;
  int64_t num_samples_ = 0;
};

}  // namespace kiln::rt
