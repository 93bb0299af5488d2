#include "stdlib/distributions/cauchy_log_density.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <limits>

#include "stdlib/distributions/reduce_to.h"
#include "stdlib/distributions/single_stored_value.h"
#include "stdlib/tensor/wrapped_number.h"

namespace kiln::rt {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

const double kLogPi = std::log(M_PI);
const double kLog2 = std::log(2.0);
constexpr double kInf = std::numeric_limits<double>::infinity();

// -log(pi) - log(scale) - log1p(r^2) + offset, r = (value - loc) / scale
// (loc undefined: the half-Cauchy's 0).
at::Tensor formula(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale, double offset) {
  const at::Tensor d = loc.defined() ? value - loc : value;  // read only: it may be `value`
  // A scalar scale's division and log are host arithmetic.
  const std::optional<double> s = scalar_operand(d, scale);
  at::Tensor r = s ? d.mul(wrapped_number(1.0 / *s, d.scalar_type())) : d / scale;
  r.mul_(r).log1p_();
  const double constant = offset - kLogPi - (s ? std::log(*s) : 0.0);
  at::Tensor lp = at::sub(wrapped_number(constant, r.scalar_type()), r);
  return s ? lp : lp.sub_(scale.log());
}

at::Tensor half_formula(const at::Tensor& value, const at::Tensor& scale) {
  at::Tensor lp = formula(value, at::Tensor(), scale, kLog2);
  // -inf below 0 (when validation is off, as torch).
  return lp.masked_fill_(value.lt(wrapped_number(0.0, value.scalar_type())), -kInf);
}

// The partial derivatives both nodes share; `loc` undefined and `half` set
// for the half-Cauchy. Differentiable operations only (no in-place ones):
// see the header.
struct CauchyGradients {
  at::Tensor value, loc, scale;
};

CauchyGradients cauchy_gradients(const at::Tensor& g, const at::Tensor& value, const at::Tensor& loc,
                                 const at::Tensor& scale, bool half, bool need_value, bool need_loc,
                                 bool need_scale) {
  const at::Tensor d = loc.defined() ? value - loc : value;
  const at::Tensor d2 = d * d, s2 = scale * scale;
  // g / (scale^2 + d^2), zero where the half-Cauchy's density is constant (-inf).
  at::Tensor q = g / (s2 + d2);
  if (half) q = q.masked_fill(value.lt(wrapped_number(0.0, value.scalar_type())), 0.0);
  CauchyGradients out;
  if (need_value || need_loc) {
    const at::Tensor p = (d * q).mul(wrapped_number(2.0, q.scalar_type()));
    if (need_value) out.value = reduce_to(-p, value);
    if (need_loc) out.loc = reduce_to(p, loc);
  }
  if (need_scale) out.scale = reduce_to((d2 - s2) * q / scale, scale);
  return out;
}

class CauchyLogDensity : public torch::autograd::Function<CauchyLogDensity> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& value, const at::Tensor& loc,
                            const at::Tensor& scale) {
    ctx->save_for_backward({value, loc, scale});
    return formula(value, loc, scale, 0.0);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const CauchyGradients d = cauchy_gradients(grads[0], saved[0], saved[1], saved[2], false,
                                               ctx->needs_input_grad(0), ctx->needs_input_grad(1),
                                               ctx->needs_input_grad(2));
    return {d.value, d.loc, d.scale};
  }
};

class HalfCauchyLogDensity : public torch::autograd::Function<HalfCauchyLogDensity> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& value, const at::Tensor& scale) {
    ctx->save_for_backward({value, scale});
    return half_formula(value, scale);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const CauchyGradients d = cauchy_gradients(grads[0], saved[0], at::Tensor(), saved[1], true,
                                               ctx->needs_input_grad(0), false, ctx->needs_input_grad(1));
    return {d.value, d.scale};
  }
};

bool tracked(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  return at::GradMode::is_enabled() &&
         (value.requires_grad() || (loc.defined() && loc.requires_grad()) || scale.requires_grad());
}

}  // namespace

at::Tensor cauchy_log_density(const at::Tensor& value, const at::Tensor& loc, const at::Tensor& scale) {
  if (!tracked(value, loc, scale)) return formula(value, loc, scale, 0.0);
  return CauchyLogDensity::apply(value, loc, scale);
}

at::Tensor half_cauchy_log_density(const at::Tensor& value, const at::Tensor& scale) {
  if (!tracked(value, at::Tensor(), scale)) return half_formula(value, scale);
  return HalfCauchyLogDensity::apply(value, scale);
}

}  // namespace kiln::rt
