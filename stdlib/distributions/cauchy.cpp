#include "stdlib/distributions/cauchy.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/cauchy_log_density.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_cauchy(const CallArgs& args) {
  check_args(args, 0, 2, "loc,scale");
  return Cauchy::make(required_arg(args, 0, "loc"), required_arg(args, 1, "scale"));
}

}  // namespace

Cauchy::Cauchy(at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(loc.sizes().vec(), {}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_not_nan("Cauchy", "loc", loc_);
  check_positive("Cauchy", "scale", scale_);
}

Value Cauchy::make(const Value& loc, const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("Cauchy", {{"loc", &loc}, {"scale", &scale}});
  return make_value(new Cauchy(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Cauchy::params() const {
  return {{"loc", loc_}, {"scale", scale_}};
}

at::Tensor Cauchy::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps = at::empty(extended_shape(sample_shape), loc_.options())
                             .cauchy_(0.0, 1.0, global_generator());
  return loc_ + eps * scale_;
}

at::Tensor Cauchy::entropy() const { return std::log(4 * M_PI) + scale_.log(); }

at::Tensor Cauchy::cdf(const at::Tensor& value) const {
  return at::atan((value - loc_) / scale_) / M_PI + 0.5;
}

at::Tensor Cauchy::icdf(const at::Tensor& q) const {
  return loc_ + scale_ * at::tan(M_PI * (q - 0.5));
}

at::Tensor Cauchy::log_prob_impl(const at::Tensor& value) const {
  return cauchy_log_density(value, loc_, scale_);
}

Value Cauchy::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Cauchy(loc_.expand(batch_shape), scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Cauchy, &guarded<&builtin_cauchy>); }

}  // namespace kiln::rt
