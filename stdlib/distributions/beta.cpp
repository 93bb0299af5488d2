#include "stdlib/distributions/beta.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/float_limits.h"
#include "stdlib/distributions/gamma.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_beta(const CallArgs& args) {
  check_args(args, 0, 2, "concentration1,concentration0");
  return Beta::make(required_arg(args, 0, "concentration1"),
                    required_arg(args, 1, "concentration0"));
}

}  // namespace

Beta::Beta(at::Tensor concentration1, at::Tensor concentration0, bool validate)
    : Distribution(concentration1.sizes().vec(), {}, concentration1.scalar_type()),
      concentration1_(std::move(concentration1)),
      concentration0_(std::move(concentration0)) {
  if (!validate) return;
  check_positive("Beta", "concentration1", concentration1_);
  check_positive("Beta", "concentration0", concentration0_);
}

Value Beta::make(const Value& concentration1, const Value& concentration0) {
  std::vector<at::Tensor> p = broadcast_params(
      "Beta", {{"concentration1", &concentration1}, {"concentration0", &concentration0}});
  return make_value(new Beta(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Beta::params() const {
  return {{"concentration1", concentration1_}, {"concentration0", concentration0_}};
}

at::Tensor Beta::rsample(at::IntArrayRef sample_shape) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor one = at::scalar_tensor(1.0, concentration1_.options());
  // Both Gamma draws are clamped away from 0, so the ratio is never 0/0.
  const at::Tensor x = gamma_rsample(concentration1_, one, shape);
  const at::Tensor y = gamma_rsample(concentration0_, one, shape);
  // Kept inside the open interval, as torch's Dirichlet draws, so that
  // log_prob of a draw is finite even for tiny concentrations.
  const at::ScalarType dtype = x.scalar_type();
  return (x / (x + y)).clamp(smallest_normal(dtype), 1 - machine_epsilon(dtype));
}

at::Tensor Beta::mean() const { return concentration1_ / (concentration1_ + concentration0_); }

at::Tensor Beta::variance() const {
  const at::Tensor total = concentration1_ + concentration0_;
  return concentration1_ * concentration0_ / (total.pow(2) * (total + 1));
}

at::Tensor Beta::entropy() const {
  const at::Tensor a = concentration1_, b = concentration0_;
  return log_beta_function() - (a - 1) * at::digamma(a) - (b - 1) * at::digamma(b) +
         (a + b - 2) * at::digamma(a + b);
}

at::Tensor Beta::log_beta_function() const {
  return at::lgamma(concentration1_) + at::lgamma(concentration0_) -
         at::lgamma(concentration1_ + concentration0_);
}

at::Tensor Beta::log_prob_impl(const at::Tensor& value) const {
  // xlogy / xlog1py keep the endpoints finite when a concentration is 1;
  // xlog1py(b - 1, -x) is (b - 1) log(1 - x) without losing digits near 0.
  return at::xlogy(concentration1_ - 1, value) +
         at::special_xlog1py(concentration0_ - 1, -value) - log_beta_function();
}

Value Beta::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Beta(concentration1_.expand(batch_shape),
                             concentration0_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Beta, &guarded<&builtin_beta>); }

}  // namespace kiln::rt
