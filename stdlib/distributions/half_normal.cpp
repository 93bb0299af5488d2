#include "stdlib/distributions/half_normal.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// log(2 / sqrt(2 pi)): the Gaussian normalizer doubled by folding onto x >= 0.
const double kLogTwoOverSqrtTwoPi = std::log(2.0) - 0.5 * std::log(2.0 * M_PI);

Value builtin_half_normal(const CallArgs& args) {
  check_args(args, 0, 1, "scale");
  return HalfNormal::make(required_arg(args, 0, "scale"));
}

}  // namespace

HalfNormal::HalfNormal(at::Tensor scale, bool validate)
    : Distribution(scale.sizes().vec(), {}, scale.scalar_type()), scale_(std::move(scale)) {
  if (!validate) return;
  check_positive("HalfNormal", "scale", scale_);
}

Value HalfNormal::make(const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("HalfNormal", {{"scale", &scale}});
  return make_value(new HalfNormal(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> HalfNormal::params() const {
  return {{"scale", scale_}};
}

at::Tensor HalfNormal::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps =
      at::randn(extended_shape(sample_shape), global_generator(), scale_.options());
  return scale_ * eps.abs();
}

at::Tensor HalfNormal::mean() const { return scale_ * std::sqrt(2 / M_PI); }
at::Tensor HalfNormal::variance() const { return scale_.pow(2) * (1 - 2 / M_PI); }

at::Tensor HalfNormal::entropy() const {
  return 0.5 * (scale_.pow(2) * (M_PI / 2)).log() + 0.5;
}

at::Tensor HalfNormal::cdf(const at::Tensor& value) const {
  // 0 below the support rather than the folded formula's negative values.
  return at::erf(value / (scale_ * M_SQRT2)).clamp_min(0);
}

at::Tensor HalfNormal::icdf(const at::Tensor& q) const {
  return scale_ * M_SQRT2 * at::erfinv(q);
}

at::Tensor HalfNormal::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor lp = kLogTwoOverSqrtTwoPi - scale_.log() - value.pow(2) / (2 * scale_.pow(2));
  // -inf below 0 when validation is off, as torch.
  return at::where(value >= 0, lp, -kInf);
}

Value HalfNormal::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new HalfNormal(scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_HalfNormal, &guarded<&builtin_half_normal>);
}

}  // namespace kiln::rt
