#include "stdlib/distributions/gamma.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/float_limits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_gamma(const CallArgs& args) {
  check_args(args, 0, 2, "concentration,rate");
  return Gamma::make(required_arg(args, 0, "concentration"), required_arg(args, 1, "rate"));
}

}  // namespace

at::Tensor gamma_rsample(const at::Tensor& concentration, const at::Tensor& rate,
                         at::IntArrayRef shape) {
  // The draw is a differentiable function of concentration: autograd applies
  // _standard_gamma_grad (implicit reparameterization) to it.
  const at::Tensor standard = at::_standard_gamma(concentration.expand(shape), global_generator());
  // Small concentrations underflow to 0; torch clamps so log(x) stays finite.
  return (standard / rate).clamp_min(smallest_normal(standard.scalar_type()));
}

at::Tensor gamma_log_density(const at::Tensor& concentration, const at::Tensor& rate,
                             const at::Tensor& x) {
  // xlogy keeps x = 0 finite when concentration is 1 (the exponential case).
  return at::xlogy(concentration, rate) + at::xlogy(concentration - 1, x) - rate * x -
         at::lgamma(concentration);
}

at::Tensor gamma_entropy(const at::Tensor& concentration, const at::Tensor& rate) {
  return concentration - rate.log() + at::lgamma(concentration) +
         (1 - concentration) * at::digamma(concentration);
}

Gamma::Gamma(at::Tensor concentration, at::Tensor rate, bool validate)
    : Distribution(concentration.sizes().vec(), {}, concentration.scalar_type()),
      concentration_(std::move(concentration)),
      rate_(std::move(rate)) {
  if (!validate) return;
  check_positive("Gamma", "concentration", concentration_);
  check_positive("Gamma", "rate", rate_);
}

Value Gamma::make(const Value& concentration, const Value& rate) {
  std::vector<at::Tensor> p =
      broadcast_params("Gamma", {{"concentration", &concentration}, {"rate", &rate}});
  return make_value(new Gamma(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Gamma::params() const {
  return {{"concentration", concentration_}, {"rate", rate_}};
}

at::Tensor Gamma::rsample(at::IntArrayRef sample_shape) const {
  return gamma_rsample(concentration_, rate_, extended_shape(sample_shape));
}

at::Tensor Gamma::entropy() const { return gamma_entropy(concentration_, rate_); }

at::Tensor Gamma::log_prob_impl(const at::Tensor& value) const {
  return gamma_log_density(concentration_, rate_, value);
}

Value Gamma::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(
      new Gamma(concentration_.expand(batch_shape), rate_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Gamma, &guarded<&builtin_gamma>); }

}  // namespace kiln::rt
