#include "stdlib/distributions/negative_binomial.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_negative_binomial(const CallArgs& args) {
  check_args(args, 0, 2, "total_count,probs,logits");
  return NegativeBinomial::make(required_arg(args, 0, "total_count"),
                                optional_arg(args, 1, "probs"), optional_arg(args, 2, "logits"));
}

}  // namespace

NegativeBinomial::NegativeBinomial(at::Tensor total_count, at::Tensor param, bool from_logits,
                                   bool validate)
    : Distribution(param.sizes().vec(), {}, param.scalar_type()),
      total_count_(std::move(total_count)),
      param_(std::move(param)),
      from_logits_(from_logits) {
  if (!validate) return;
  check_param("NegativeBinomial", "total_count", total_count_, total_count_ >= 0, "nonnegative");
  // p = 1 (logits +inf) would never fail: no distribution.
  if (from_logits_) {
    check_param("NegativeBinomial", "logits", param_, (param_ == param_) & (param_ != INFINITY),
                "a real number or -inf (not nan or +inf)");
  } else {
    check_param("NegativeBinomial", "probs", param_, (param_ >= 0) & (param_ < 1), "in [0, 1)");
  }
}

Value NegativeBinomial::make(const Value& total_count, const Value* probs, const Value* logits) {
  if ((probs == nullptr) == (logits == nullptr))
    raise_arg_error("NegativeBinomial", "give exactly one of probs and logits");
  const bool from_logits = logits != nullptr;
  std::vector<at::Tensor> p = broadcast_params(
      "NegativeBinomial", {{"total_count", &total_count},
                           {from_logits ? "logits" : "probs", from_logits ? logits : probs}});
  return make_value(
      new NegativeBinomial(std::move(p[0]), std::move(p[1]), from_logits, validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> NegativeBinomial::params() const {
  return {{"total_count", total_count_}, {from_logits_ ? "logits" : "probs", param_}};
}

at::Tensor NegativeBinomial::param(std::string_view name) const {
  if (name == "total_count") return total_count_;
  if (name == "probs") return probs();
  if (name == "logits") return logits();
  return at::Tensor();
}

at::Tensor NegativeBinomial::probs() const { return from_logits_ ? param_.sigmoid() : param_; }

at::Tensor NegativeBinomial::logits() const {
  return from_logits_ ? param_ : binary_probs_to_logits(param_);
}

at::Tensor NegativeBinomial::odds() const {
  return from_logits_ ? param_.exp() : param_ / (1 - param_);
}

// A Gamma(r, rate 1/odds) draw is standard_gamma(r) * odds.
at::Tensor NegativeBinomial::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor poisson_rate =
      at::_standard_gamma(total_count_.expand(shape).contiguous(), global_generator()) * odds();
  return at::poisson(poisson_rate, global_generator());
}

// 1 / (1 - p) = 1 + odds.
at::Tensor NegativeBinomial::variance() const { return mean() * (1 + odds()); }

at::Tensor NegativeBinomial::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor& r = total_count_;
  const at::Tensor l = logits();
  const at::Tensor log_powers = r * log_sigmoid_of(-l) + count_times_log(value, log_sigmoid_of(l));
  const at::Tensor log_choose = (value + r).lgamma() - (value + 1).lgamma() - r.lgamma();
  // r = 0 puts all mass on k = 0, where the lgammas give inf - inf.
  const at::Tensor certain = (value + r) == 0;
  return log_powers + at::where(certain, at::zeros({}, log_choose.options()), log_choose);
}

Value NegativeBinomial::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new NegativeBinomial(total_count_.expand(batch_shape),
                                         param_.expand(batch_shape), from_logits_, false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_NegativeBinomial, &guarded<&builtin_negative_binomial>);
}

}  // namespace kiln::rt
