// SVI (Pyro's pyro.infer.SVI): stochastic variational inference. Each step
// estimates the loss (-ELBO) with the given Elbo, differentiates its
// surrogate with respect to every param the model and guide touched (their
// unconstrained tensors in the param store) and lets the optimizer update
// them.
//   svi = SVI(model, guide, Adam({"lr": 0.005}), Trace_ELBO())
//   for step in range(2000):
//       loss = svi.step(data)
// A loss that is not finite stops with an error naming the step and the
// first site whose value or log_prob is not finite, with its distribution.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

class Optimizer;
class Elbo;
struct ParticleTraces;

class Svi final : public Object {
 public:
  // Raises KilnError unless optim is an optimizer and loss an ELBO.
  Svi(Value model, Value guide, Value optim, Value loss);

  // One gradient step; returns the loss estimate before the update.
  double step(const CallArgs& args);
  // The loss estimate without gradients or updates.
  double evaluate_loss(const CallArgs& args);
  int64_t steps_taken() const { return steps_; }

  // Object: methods step(*args, **kwargs), evaluate_loss(...); attributes
  // model, guide, optim, loss, num_steps.
  std::string type_name() const override { return "SVI"; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  Value model_, guide_, optim_, loss_;
  Optimizer* optimizer_;
  Elbo* elbo_;
  int64_t steps_ = 0;
};

// The params (name, unconstrained leaf) the particle's traces touched, in
// first-use order.
std::vector<std::pair<std::string, at::Tensor>> touched_params(const ParticleTraces& traces);

// Raises the "loss is not finite" KilnError for `step`, naming the first
// guide or model site whose value or log_prob is not finite.
[[noreturn]] void raise_non_finite_loss(const std::string& who, int64_t step, double loss,
                                        const ParticleTraces& traces);

}  // namespace kiln::rt
