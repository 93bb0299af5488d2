// RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop: the step is the
// gradient divided by a running root mean square of past gradients. For a
// param x with gradient g:
//   g <- g + weight_decay * x
//   s <- alpha * s + (1 - alpha) * g^2
//   a <- alpha * a + (1 - alpha) * g;  r = sqrt(s - a^2) + eps    (centered)
//                                      r = sqrt(s) + eps          (otherwise)
//   b <- momentum * b + g / r;  x <- x - lr * b                   (momentum > 0)
//   x <- x - lr * g / r                                           (otherwise)
//   RMSprop({"lr": 0.01, "alpha": 0.9})      RMSprop(lr=0.01, centered=True)
// Options: lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
// centered=False, clip_norm=None (per_param_optimizer.h).
// State per param: step, square_avg (s), momentum_buffer (b, momentum > 0),
// grad_avg (a, centered).
#pragma once

#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class RMSprop final : public PerParamOptimizer {
 public:
  struct Options : ParamOptions {
    double alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0;
    bool centered = false;
  };

  // Use PerParamOptimizer::create<RMSprop>(options).
  explicit RMSprop(Value options) : PerParamOptimizer(std::move(options)) {}
  std::string_view name() const override { return "RMSprop"; }

 protected:
  std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const override;
  std::vector<std::string_view> buffer_names(const ParamOptions& options) const override;
  std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const override;
  void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
              ParamState& state) const override;
};

}  // namespace kiln::rt
