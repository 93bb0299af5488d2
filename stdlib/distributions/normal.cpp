#include "stdlib/distributions/normal.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/normal_log_density.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// log(sqrt(2 pi)), the Gaussian's normalizing constant.
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * M_PI);

Value builtin_normal(const CallArgs& args) {
  check_args(args, 0, 2, "loc,scale");
  return Normal::make(required_arg(args, 0, "loc"), required_arg(args, 1, "scale"));
}

}  // namespace

Normal::Normal(at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(loc.sizes().vec(), {}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_not_nan("Normal", "loc", loc_);
  check_positive("Normal", "scale", scale_);
}

Value Normal::make(const Value& loc, const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("Normal", {{"loc", &loc}, {"scale", &scale}});
  return make_value(new Normal(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Normal::params() const {
  return {{"loc", loc_}, {"scale", scale_}};
}

at::Tensor Normal::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps =
      at::randn(extended_shape(sample_shape), global_generator(), loc_.options());
  return loc_ + eps * scale_;
}

at::Tensor Normal::entropy() const { return 0.5 + kLogSqrtTwoPi + scale_.log(); }

at::Tensor Normal::cdf(const at::Tensor& value) const {
  return 0.5 * (1 + at::erf((value - loc_) / (scale_ * M_SQRT2)));
}

at::Tensor Normal::icdf(const at::Tensor& q) const {
  return loc_ + scale_ * M_SQRT2 * at::erfinv(2 * q - 1);
}

at::Tensor Normal::log_prob_impl(const at::Tensor& value) const {
  return normal_log_density(value, loc_, scale_);
}

Value Normal::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Normal(loc_.expand(batch_shape), scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Normal, &guarded<&builtin_normal>); }

}  // namespace kiln::rt
