// Adagrad (Duchi, Hazan & Singer 2011), as torch.optim.Adagrad: each element's
// step shrinks with the sum of its past squared gradients. For a param x with
// gradient g at step t (from 1):
//   g <- g + weight_decay * x
//   s <- s + g^2                       (s starts at initial_accumulator_value)
//   x <- x - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
//   Adagrad({"lr": 0.1})      Adagrad(lr=0.1, lr_decay=1e-4)
// Options: lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
// eps=1e-10, clip_norm=None (per_param_optimizer.h).
// State per param: step, sum (s).
#pragma once

#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class Adagrad final : public PerParamOptimizer {
 public:
  struct Options : ParamOptions {
    double lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10;
  };

  // Use PerParamOptimizer::create<Adagrad>(options).
  explicit Adagrad(Value options) : PerParamOptimizer(std::move(options)) {}
  std::string_view name() const override { return "Adagrad"; }

 protected:
  std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const override;
  std::vector<std::string_view> buffer_names(const ParamOptions& options) const override;
  std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const override;
  void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
              ParamState& state) const override;
};

}  // namespace kiln::rt
