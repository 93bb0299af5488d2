#include "stdlib/distributions/weibull.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/float_limits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// The Euler-Mascheroni constant, which appears in the entropy.
constexpr double kEulerGamma = 0.57721566490153286060651209;

Value builtin_weibull(const CallArgs& args) {
  check_args(args, 0, 2, "scale,concentration");
  return Weibull::make(required_arg(args, 0, "scale"), required_arg(args, 1, "concentration"));
}

}  // namespace

Weibull::Weibull(at::Tensor scale, at::Tensor concentration, bool validate)
    : Distribution(scale.sizes().vec(), {}, scale.scalar_type()),
      scale_(std::move(scale)),
      concentration_(std::move(concentration)) {
  if (!validate) return;
  check_positive("Weibull", "scale", scale_);
  check_positive("Weibull", "concentration", concentration_);
}

Value Weibull::make(const Value& scale, const Value& concentration) {
  std::vector<at::Tensor> p =
      broadcast_params("Weibull", {{"scale", &scale}, {"concentration", &concentration}});
  return make_value(new Weibull(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Weibull::params() const {
  return {{"scale", scale_}, {"concentration", concentration_}};
}

at::Tensor Weibull::rsample(at::IntArrayRef sample_shape) const {
  // An Exponential(1) draw of exactly 0 would land outside the positive
  // support; the clamp moves it to the dtype's smallest normal number.
  const at::Tensor e = at::empty(extended_shape(sample_shape), scale_.options())
                           .exponential_(1.0, global_generator())
                           .clamp_min(smallest_normal(scale_.scalar_type()));
  return scale_ * e.pow(concentration_.reciprocal());
}

at::Tensor Weibull::mean() const {
  return scale_ * at::lgamma(1 + concentration_.reciprocal()).exp();
}

at::Tensor Weibull::variance() const {
  const at::Tensor inv_k = concentration_.reciprocal();
  return scale_.pow(2) *
         (at::lgamma(1 + 2 * inv_k).exp() - (2 * at::lgamma(1 + inv_k)).exp());
}

at::Tensor Weibull::entropy() const {
  return kEulerGamma * (1 - concentration_.reciprocal()) + (scale_ / concentration_).log() + 1;
}

at::Tensor Weibull::cdf(const at::Tensor& value) const {
  return -at::expm1(-(value / scale_).pow(concentration_));
}

at::Tensor Weibull::icdf(const at::Tensor& q) const {
  return scale_ * (-at::log1p(-q)).pow(concentration_.reciprocal());
}

at::Tensor Weibull::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor log_ratio = (value / scale_).log();
  return (concentration_ / scale_).log() + (concentration_ - 1) * log_ratio -
         (concentration_ * log_ratio).exp();
}

Value Weibull::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(
      new Weibull(scale_.expand(batch_shape), concentration_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Weibull, &guarded<&builtin_weibull>); }

}  // namespace kiln::rt
