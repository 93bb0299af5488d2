#include "stdlib/distributions/normal_log_density.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>

#include "stdlib/distributions/reduce_to.h"
#include "stdlib/distributions/single_stored_value.h"
#include "stdlib/tensor/wrapped_number.h"

namespace kiln::rt {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// log(sqrt(2 pi)), the Gaussian's normalizing constant.
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * M_PI);

at::Tensor formula(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  at::Tensor r = value - loc;
  // A scalar scale (the commonest case) turns the division and the log into
  // host arithmetic: half the operations of the general formula.
  if (const std::optional<double> s = scalar_operand(r, scale)) {
    const at::ScalarType t = r.scalar_type();
    r.mul_(wrapped_number(1.0 / *s, t));
    return r.mul_(r).mul_(wrapped_number(-0.5, t)).add_(wrapped_number(-std::log(*s) - kLogSqrtTwoPi, t));
  }
  r = r / scale;
  const at::ScalarType t = r.scalar_type();
  return r.mul_(r).mul_(wrapped_number(-0.5, t)).sub_(scale.log()).sub_(wrapped_number(kLogSqrtTwoPi, t));
}

class NormalLogDensity : public torch::autograd::Function<NormalLogDensity> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& value, const at::Tensor& loc,
                            const at::Tensor& scale) {
    ctx->save_for_backward({value, loc, scale});
    return formula(value, loc, scale);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor &value = saved[0], &loc = saved[1], &scale = saved[2];
    const at::Tensor& g = grads[0];
    // Differentiable operations only (no in-place ones): see the header.
    const at::Tensor r = (value - loc) / scale;
    at::Tensor grad_value, grad_loc, grad_scale;
    if (ctx->needs_input_grad(0) || ctx->needs_input_grad(1)) {
      const at::Tensor q = g * r / scale;
      if (ctx->needs_input_grad(0)) grad_value = reduce_to(-q, value);
      if (ctx->needs_input_grad(1)) grad_loc = reduce_to(q, loc);
    }
    if (ctx->needs_input_grad(2)) grad_scale = reduce_to(g * (r.square() - 1) / scale, scale);
    return {grad_value, grad_loc, grad_scale};
  }
};

}  // namespace

at::Tensor normal_log_density(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  const bool tracked =
      at::GradMode::is_enabled() && (value.requires_grad() || loc.requires_grad() || scale.requires_grad());
  if (!tracked) return formula(value, loc, scale);
  return NormalLogDensity::apply(value, loc, scale);
}

}  // namespace kiln::rt
