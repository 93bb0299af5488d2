// Adam (Kingma & Ba 2015), as torch.optim.Adam: bias-corrected moment
// estimates. For a param x with gradient g at step t (from 1):
//   g  <- g + weight_decay * x
//   m  <- beta1 * m + (1 - beta1) * g
//   v  <- beta2 * v + (1 - beta2) * g^2
//   v^ <- max(v^, v) if amsgrad, else v
//   x  <- x - lr / (1 - beta1^t) * m / (sqrt(v^) / sqrt(1 - beta2^t) + eps)
//   Adam({"lr": 0.005, "betas": (0.9, 0.999)})      Adam(lr=0.005)
// Options: lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
// amsgrad=False, clip_norm=None (per_param_optimizer.h).
// State per param: step, exp_avg (m), exp_avg_sq (v), max_exp_avg_sq (amsgrad).
#pragma once

#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class Adam final : public PerParamOptimizer {
 public:
  struct Options : ParamOptions {
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
    bool amsgrad = false;
  };

  // Use PerParamOptimizer::create<Adam>(options).
  explicit Adam(Value options) : PerParamOptimizer(std::move(options)) {}
  std::string_view name() const override { return "Adam"; }

 protected:
  std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const override;
  std::vector<std::string_view> buffer_names(const ParamOptions& options) const override;
  std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const override;
  void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
              ParamState& state) const override;
};

}  // namespace kiln::rt
