// Importance sampling (Pyro's pyro.infer.Importance): draws num_samples
// weighted traces of a model, from a guide if one is given (replaying the
// guide's draws in the model) or from the prior. Each trace's log weight is
//   log p(x, z) - log q(z)          with a guide,
//   log p(x | z), the observed sites, from the prior.
// The log evidence is the log-mean-exp of the weights.
//
//   imp = Importance(model, guide=None, num_samples=1000).run(data)
//   imp.log_evidence                  # log p(x), estimated
//   imp.ess, imp.normalized_ess       # Kish's effective sample size (and / num_samples)
//   m = imp.marginal("z")             # an Empirical distribution: .mean .variance .quantiles(qs)
//   draws = imp.resample(100)         # dict site -> values drawn by weight
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

class Importance final : public Object {
 public:
  // Raises KilnError unless model (and guide, if not None) are callable and
  // num_samples >= 1.
  Importance(Value model, Value guide, int64_t num_samples);

  // Draws the weighted traces (replacing those of an earlier run).
  void run(const CallArgs& args);

  const at::Tensor& log_weights() const { return log_weights_; }
  double log_evidence() const;
  double ess() const;
  // The values of `site` stacked along a new leading dim, one per trace.
  at::Tensor site_values(const std::string& site) const;

  // Object: methods run(*args) (returns the object), marginal(site),
  // resample(num_samples=None), get_samples(site); attributes log_weights,
  // log_evidence, ess, normalized_ess, num_samples.
  std::string type_name() const override { return "Importance"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  void require_run(std::string_view what) const;

  Value model_, guide_;
  int64_t num_samples_;
  std::vector<Value> traces_;  // model traces
  at::Tensor log_weights_;
};

// EmpiricalMarginal(importance, sites="z"): the weighted draws of one site
// as an Empirical distribution.
Value empirical_marginal(const Importance& importance, const std::string& site);

}  // namespace kiln::rt
