// ClippedAdam, Pyro's Adam variant for SVI: each gradient element is clamped
// to [-clip_norm, clip_norm] first, and the learning rate decays
// geometrically with the param's step count t (from 1):
//   g  <- clamp(g, -clip_norm, clip_norm) + weight_decay * x
//   m  <- beta1 * m + (1 - beta1) * g
//   v  <- beta2 * v + (1 - beta2) * g^2
//   x  <- x - lr * lrd^t * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps)
// Note eps is added to sqrt(v) before the bias correction, unlike Adam.
//   ClippedAdam({"lr": 0.01, "clip_norm": 5.0, "lrd": 0.999})
// Options: lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
// clip_norm=10.0 (the per-element clamp, not a total norm), lrd=1.0.
// State per param: step, exp_avg (m), exp_avg_sq (v).
#pragma once

#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class ClippedAdam final : public PerParamOptimizer {
 public:
  struct Options : ParamOptions {
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
    double clip_value = 10.0;  // the user's clip_norm: Pyro's name for a per-element bound
    double lrd = 1.0;
  };

  // Use PerParamOptimizer::create<ClippedAdam>(options).
  explicit ClippedAdam(Value options) : PerParamOptimizer(std::move(options)) {}
  std::string_view name() const override { return "ClippedAdam"; }

 protected:
  std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const override;
  std::vector<std::string_view> buffer_names(const ParamOptions& options) const override;
  std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const override;
  void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
              ParamState& state) const override;
};

}  // namespace kiln::rt
