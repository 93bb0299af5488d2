#include "stdlib/distributions/half_cauchy.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/cauchy_log_density.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Value builtin_half_cauchy(const CallArgs& args) {
  check_args(args, 0, 1, "scale");
  return HalfCauchy::make(required_arg(args, 0, "scale"));
}

}  // namespace

HalfCauchy::HalfCauchy(at::Tensor scale, bool validate)
    : Distribution(scale.sizes().vec(), {}, scale.scalar_type()), scale_(std::move(scale)) {
  if (!validate) return;
  check_positive("HalfCauchy", "scale", scale_);
}

Value HalfCauchy::make(const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("HalfCauchy", {{"scale", &scale}});
  return make_value(new HalfCauchy(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> HalfCauchy::params() const {
  return {{"scale", scale_}};
}

at::Tensor HalfCauchy::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps = at::empty(extended_shape(sample_shape), scale_.options())
                             .cauchy_(0.0, 1.0, global_generator());
  return scale_ * eps.abs();
}

at::Tensor HalfCauchy::mean() const { return at::full_like(scale_, kInf); }
at::Tensor HalfCauchy::variance() const { return at::full_like(scale_, kInf); }

at::Tensor HalfCauchy::entropy() const { return std::log(2 * M_PI) + scale_.log(); }

at::Tensor HalfCauchy::cdf(const at::Tensor& value) const {
  // 0 below the support rather than the folded formula's negative values.
  return (at::atan(value / scale_) * (2 / M_PI)).clamp_min(0);
}

at::Tensor HalfCauchy::icdf(const at::Tensor& q) const { return scale_ * at::tan(q * (M_PI / 2)); }

at::Tensor HalfCauchy::log_prob_impl(const at::Tensor& value) const {
  return half_cauchy_log_density(value, scale_);
}

Value HalfCauchy::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new HalfCauchy(scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_HalfCauchy, &guarded<&builtin_half_cauchy>);
}

}  // namespace kiln::rt
