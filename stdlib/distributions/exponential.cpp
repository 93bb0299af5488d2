#include "stdlib/distributions/exponential.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_exponential(const CallArgs& args) {
  check_args(args, 0, 1, "rate");
  return Exponential::make(required_arg(args, 0, "rate"));
}

}  // namespace

Exponential::Exponential(at::Tensor rate, bool validate)
    : Distribution(rate.sizes().vec(), {}, rate.scalar_type()), rate_(std::move(rate)) {
  if (!validate) return;
  check_positive("Exponential", "rate", rate_);
}

Value Exponential::make(const Value& rate) {
  std::vector<at::Tensor> p = broadcast_params("Exponential", {{"rate", &rate}});
  return make_value(new Exponential(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Exponential::params() const {
  return {{"rate", rate_}};
}

at::Tensor Exponential::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor e = at::empty(extended_shape(sample_shape), rate_.options())
                           .exponential_(1.0, global_generator());
  return e / rate_;
}

at::Tensor Exponential::cdf(const at::Tensor& value) const {
  // 1 - exp(-rate x) without cancellation for small rate x.
  return -at::expm1(-rate_ * value);
}

at::Tensor Exponential::icdf(const at::Tensor& q) const { return -at::log1p(-q) / rate_; }

at::Tensor Exponential::log_prob_impl(const at::Tensor& value) const {
  return rate_.log() - rate_ * value;
}

Value Exponential::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Exponential(rate_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Exponential, &guarded<&builtin_exponential>);
}

}  // namespace kiln::rt
