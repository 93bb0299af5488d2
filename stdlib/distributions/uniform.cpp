#include "stdlib/distributions/uniform.h"

#include <ATen/ATen.h>

#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Value builtin_uniform(const CallArgs& args) {
  check_args(args, 0, 2, "low,high");
  return Uniform::make(required_arg(args, 0, "low"), required_arg(args, 1, "high"));
}

// The requirement involves both parameters, so the message shows both:
//   Uniform(): low must be less than high, got low = 2.0 and high = 1.0
//   Uniform(): low must be less than high, but low[1] = 2.0 and high[1] = 1.0
// (NaN bounds fail the comparison too.)
void check_low_below_high(const at::Tensor& low, const at::Tensor& high) {
  const at::Tensor ok = low < high;
  if (ok.all().item<bool>()) return;
  const std::string requirement = "low must be less than high, ";
  if (low.numel() == 1)
    raise_arg_error("Uniform", requirement + "got low = " + print_scalar(low.detach().reshape({})) +
                                   " and high = " + print_scalar(high.detach().reshape({})));
  // Both descriptions name the same first offending index: "but high[1] = 1.0".
  const std::string high_part = describe_violation("high", high, ok);
  raise_arg_error("Uniform", requirement + describe_violation("low", low, ok) + " and " +
                                 high_part.substr(high_part.find("high[")));
}

}  // namespace

Uniform::Uniform(at::Tensor low, at::Tensor high, bool validate)
    : Distribution(low.sizes().vec(), {}, low.scalar_type()),
      low_(std::move(low)),
      high_(std::move(high)) {
  if (!validate) return;
  check_low_below_high(low_, high_);
}

Value Uniform::make(const Value& low, const Value& high) {
  std::vector<at::Tensor> p = broadcast_params("Uniform", {{"low", &low}, {"high", &high}});
  return make_value(new Uniform(std::move(p[0]), std::move(p[1]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Uniform::params() const {
  return {{"low", low_}, {"high", high_}};
}

at::Tensor Uniform::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor u = at::rand(extended_shape(sample_shape), global_generator(), low_.options());
  return low_ + u * (high_ - low_);
}

at::Tensor Uniform::cdf(const at::Tensor& value) const {
  return ((value - low_) / (high_ - low_)).clamp(0, 1);
}

at::Tensor Uniform::icdf(const at::Tensor& q) const { return low_ + q * (high_ - low_); }

at::Tensor Uniform::log_prob_impl(const at::Tensor& value) const {
  // The same closed interval as support(), so that a value validation
  // accepts never scores -inf.
  const at::Tensor inside = (value >= low_) & (value <= high_);
  return at::where(inside, -(high_ - low_).log(), -kInf);
}

Value Uniform::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Uniform(low_.expand(batch_shape), high_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Uniform, &guarded<&builtin_uniform>); }

}  // namespace kiln::rt
