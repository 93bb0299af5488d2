#include "stdlib/distributions/log_normal.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// log(sqrt(2 pi)), the Gaussian's normalizing constant.
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * M_PI);

Value builtin_log_normal(const CallArgs& args) {
  check_args(args, 0, 2, "loc,scale");
  return LogNormal::make(required_arg(args, 0, "loc"), required_arg(args, 1, "scale"));
}

}  // namespace

LogNormal::LogNormal(at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(loc.sizes().vec(), {}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_not_nan("LogNormal", "loc", loc_);
  check_positive("LogNormal", "scale", scale_);
}

Value LogNormal::make(const Value& loc, const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("LogNormal", {{"loc", &loc}, {"scale", &scale}});
  return make_value(new LogNormal(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> LogNormal::params() const {
  return {{"loc", loc_}, {"scale", scale_}};
}

at::Tensor LogNormal::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps =
      at::randn(extended_shape(sample_shape), global_generator(), loc_.options());
  return (loc_ + eps * scale_).exp();
}

at::Tensor LogNormal::mean() const { return (loc_ + scale_.pow(2) / 2).exp(); }

at::Tensor LogNormal::variance() const {
  const at::Tensor s2 = scale_.pow(2);
  // expm1 keeps digits for small scales, where exp(s^2) - 1 would cancel.
  return s2.expm1() * (2 * loc_ + s2).exp();
}

at::Tensor LogNormal::entropy() const { return 0.5 + kLogSqrtTwoPi + scale_.log() + loc_; }

at::Tensor LogNormal::cdf(const at::Tensor& value) const {
  return 0.5 * (1 + at::erf((value.log() - loc_) / (scale_ * M_SQRT2)));
}

at::Tensor LogNormal::icdf(const at::Tensor& q) const {
  return (loc_ + scale_ * M_SQRT2 * at::erfinv(2 * q - 1)).exp();
}

at::Tensor LogNormal::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor log_x = value.log();
  return -(log_x - loc_).pow(2) / (2 * scale_.pow(2)) - scale_.log() - kLogSqrtTwoPi - log_x;
}

Value LogNormal::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new LogNormal(loc_.expand(batch_shape), scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_LogNormal, &guarded<&builtin_log_normal>);
}

}  // namespace kiln::rt
