#include "stdlib/distributions/poisson.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_poisson(const CallArgs& args) {
  check_args(args, 0, 1, "rate");
  return Poisson::make(required_arg(args, 0, "rate"));
}

}  // namespace

Poisson::Poisson(at::Tensor rate, bool validate)
    : Distribution(rate.sizes().vec(), {}, rate.scalar_type()), rate_(std::move(rate)) {
  if (validate) check_param("Poisson", "rate", rate_, rate_ >= 0, "nonnegative");
}

Value Poisson::make(const Value& rate) {
  std::vector<at::Tensor> p = broadcast_params("Poisson", {{"rate", &rate}});
  return make_value(new Poisson(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Poisson::params() const {
  return {{"rate", rate_}};
}

at::Tensor Poisson::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  return at::poisson(rate_.expand(extended_shape(sample_shape)).contiguous(), global_generator());
}

// xlogy gives k log(rate) = 0 for k = 0, even at rate = 0.
at::Tensor Poisson::log_prob_impl(const at::Tensor& value) const {
  return at::xlogy(value, rate_) - rate_ - (value + 1).lgamma();
}

Value Poisson::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Poisson(rate_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Poisson, &guarded<&builtin_poisson>); }

}  // namespace kiln::rt
