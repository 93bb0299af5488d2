#include "stdlib/distributions/inverse_gamma.h"

#include <ATen/ATen.h>

#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/gamma.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Value builtin_inverse_gamma(const CallArgs& args) {
  check_args(args, 0, 2, "concentration,rate");
  return InverseGamma::make(required_arg(args, 0, "concentration"),
                            required_arg(args, 1, "rate"));
}

}  // namespace

InverseGamma::InverseGamma(at::Tensor concentration, at::Tensor rate, bool validate)
    : Distribution(concentration.sizes().vec(), {}, concentration.scalar_type()),
      concentration_(std::move(concentration)),
      rate_(std::move(rate)) {
  if (!validate) return;
  check_positive("InverseGamma", "concentration", concentration_);
  check_positive("InverseGamma", "rate", rate_);
}

Value InverseGamma::make(const Value& concentration, const Value& rate) {
  std::vector<at::Tensor> p =
      broadcast_params("InverseGamma", {{"concentration", &concentration}, {"rate", &rate}});
  return make_value(new InverseGamma(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> InverseGamma::params() const {
  return {{"concentration", concentration_}, {"rate", rate_}};
}

at::Tensor InverseGamma::rsample(at::IntArrayRef sample_shape) const {
  // The Gamma draw is clamped away from 0, so its reciprocal is finite.
  return gamma_rsample(concentration_, rate_, extended_shape(sample_shape)).reciprocal();
}

at::Tensor InverseGamma::mean() const {
  return at::where(concentration_ > 1, rate_ / (concentration_ - 1), kInf);
}

at::Tensor InverseGamma::variance() const {
  const at::Tensor k = concentration_;
  return at::where(k > 2, rate_.pow(2) / ((k - 1).pow(2) * (k - 2)), kInf);
}

at::Tensor InverseGamma::entropy() const {
  const at::Tensor k = concentration_;
  return k + rate_.log() + at::lgamma(k) - (1 + k) * at::digamma(k);
}

at::Tensor InverseGamma::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor k = concentration_;
  return at::xlogy(k, rate_) - at::lgamma(k) - (k + 1) * value.log() - rate_ / value;
}

Value InverseGamma::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(
      new InverseGamma(concentration_.expand(batch_shape), rate_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_InverseGamma, &guarded<&builtin_inverse_gamma>);
}

}  // namespace kiln::rt
