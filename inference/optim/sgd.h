// Stochastic gradient descent, as torch.optim.SGD: optional momentum
// (heavy ball, or Nesterov's), dampening and L2 weight decay. For a param x
// with gradient g at step t:
//   g <- g + weight_decay * x
//   b <- g at t = 1, else momentum * b + (1 - dampening) * g     (momentum > 0)
//   d <- g + momentum * b if nesterov, else b                     (momentum > 0; else d = g)
//   x <- x - lr * d
//   SGD({"lr": 0.01, "momentum": 0.9})      SGD(lr=0.01)
// Options: lr (required: SGD has no default), momentum=0, dampening=0,
// weight_decay=0, nesterov=False (needs momentum > 0 and dampening = 0),
// clip_norm=None (per_param_optimizer.h).
// State per param: step, momentum_buffer (b, only when momentum > 0).
#pragma once

#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class SGD final : public PerParamOptimizer {
 public:
  struct Options : ParamOptions {
    double momentum = 0, dampening = 0, weight_decay = 0;
    bool nesterov = false;
  };

  // Use PerParamOptimizer::create<SGD>(options).
  explicit SGD(Value options) : PerParamOptimizer(std::move(options)) {}
  std::string_view name() const override { return "SGD"; }

 protected:
  std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const override;
  std::vector<std::string_view> buffer_names(const ParamOptions& options) const override;
  std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const override;
  void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
              ParamState& state) const override;
};

}  // namespace kiln::rt
