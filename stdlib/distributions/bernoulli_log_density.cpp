#include "stdlib/distributions/bernoulli_log_density.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "stdlib/distributions/reduce_to.h"

namespace kiln::rt {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

at::Tensor formula(const at::Tensor& logits, const at::Tensor& value) {
  return value * logits - at::softplus(logits);
}

class BernoulliLogitsLogDensity : public torch::autograd::Function<BernoulliLogitsLogDensity> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& value) {
    ctx->save_for_backward({logits, value});
    return formula(logits, value);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor &logits = saved[0], &value = saved[1];
    const at::Tensor& g = grads[0];
    // Differentiable operations only (no in-place ones): see the header.
    at::Tensor grad_logits, grad_value;
    if (ctx->needs_input_grad(0)) grad_logits = reduce_to(g * (value - logits.sigmoid()), logits);
    if (ctx->needs_input_grad(1)) grad_value = reduce_to(g * logits, value);
    return {grad_logits, grad_value};
  }
};

}  // namespace

at::Tensor bernoulli_logits_log_density(const at::Tensor& logits, const at::Tensor& value) {
  const bool tracked = at::GradMode::is_enabled() && (logits.requires_grad() || value.requires_grad());
  if (!tracked) return formula(logits, value);
  return BernoulliLogitsLogDensity::apply(logits, value);
}

}  // namespace kiln::rt
