#include "stdlib/distributions/laplace.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/float_limits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_laplace(const CallArgs& args) {
  check_args(args, 0, 2, "loc,scale");
  return Laplace::make(required_arg(args, 0, "loc"), required_arg(args, 1, "scale"));
}

}  // namespace

Laplace::Laplace(at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(loc.sizes().vec(), {}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_not_nan("Laplace", "loc", loc_);
  check_positive("Laplace", "scale", scale_);
}

Value Laplace::make(const Value& loc, const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("Laplace", {{"loc", &loc}, {"scale", &scale}});
  return make_value(new Laplace(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Laplace::params() const {
  return {{"loc", loc_}, {"scale", scale_}};
}

at::Tensor Laplace::rsample(at::IntArrayRef sample_shape) const {
  // u uniform on [eps - 1, 1): |u| < 1, so log1p(-|u|) stays finite. The
  // sign of u picks the side of loc and -log(1 - |u|) is an Exponential(1)
  // distance from it.
  const double eps = machine_epsilon(loc_.scalar_type());
  const at::Tensor u = at::empty(extended_shape(sample_shape), loc_.options())
                           .uniform_(eps - 1, 1, global_generator());
  return loc_ - scale_ * u.sign() * at::log1p(-u.abs());
}

at::Tensor Laplace::entropy() const { return 1 + (2 * scale_).log(); }

at::Tensor Laplace::cdf(const at::Tensor& value) const {
  const at::Tensor d = value - loc_;
  return 0.5 - 0.5 * d.sign() * at::expm1(-d.abs() / scale_);
}

at::Tensor Laplace::icdf(const at::Tensor& q) const {
  const at::Tensor centred = q - 0.5;
  return loc_ - scale_ * centred.sign() * at::log1p(-2 * centred.abs());
}

at::Tensor Laplace::log_prob_impl(const at::Tensor& value) const {
  return -(2 * scale_).log() - (value - loc_).abs() / scale_;
}

Value Laplace::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Laplace(loc_.expand(batch_shape), scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Laplace, &guarded<&builtin_laplace>); }

}  // namespace kiln::rt
