#include "stdlib/distributions/gumbel.h"

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

// The Euler-Mascheroni constant: the mean of the standard Gumbel.
constexpr double kEulerGamma = 0.57721566490153286060651209;

Value builtin_gumbel(const CallArgs& args) {
  check_args(args, 0, 2, "loc,scale");
  return Gumbel::make(required_arg(args, 0, "loc"), required_arg(args, 1, "scale"));
}

}  // namespace

Gumbel::Gumbel(at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(loc.sizes().vec(), {}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_not_nan("Gumbel", "loc", loc_);
  check_positive("Gumbel", "scale", scale_);
}

Value Gumbel::make(const Value& loc, const Value& scale) {
  std::vector<at::Tensor> p = broadcast_params("Gumbel", {{"loc", &loc}, {"scale", &scale}});
  return make_value(new Gumbel(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Gumbel::params() const {
  return {{"loc", loc_}, {"scale", scale_}};
}

at::Tensor Gumbel::rsample(at::IntArrayRef sample_shape) const {
  // u in [tiny, 1 - eps] keeps both logs of -log(-log(u)) finite.
  const at::ScalarType dtype = loc_.scalar_type();
  const at::Tensor u = at::rand(extended_shape(sample_shape), global_generator(), loc_.options())
                           .clamp(smallest_normal(dtype), 1 - machine_epsilon(dtype));
  return loc_ - scale_ * (-u.log()).log();
}

at::Tensor Gumbel::mean() const { return loc_ + scale_ * kEulerGamma; }
at::Tensor Gumbel::variance() const { return scale_.pow(2) * (M_PI * M_PI / 6); }
at::Tensor Gumbel::entropy() const { return scale_.log() + (1 + kEulerGamma); }

at::Tensor Gumbel::cdf(const at::Tensor& value) const {
  const at::Tensor z = (value - loc_) / scale_;
  return (-(-z).exp()).exp();
}

at::Tensor Gumbel::icdf(const at::Tensor& q) const { return loc_ - scale_ * (-q.log()).log(); }

at::Tensor Gumbel::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor z = (value - loc_) / scale_;
  return -(z + (-z).exp()) - scale_.log();
}

Value Gumbel::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Gumbel(loc_.expand(batch_shape), scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Gumbel, &guarded<&builtin_gumbel>); }

}  // namespace kiln::rt
