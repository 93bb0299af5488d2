#include "stdlib/distributions/bernoulli.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/bernoulli_log_density.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_bernoulli(const CallArgs& args) {
  check_args(args, 0, 1, "probs,logits");
  return Bernoulli::make(optional_arg(args, 0, "probs"), optional_arg(args, 1, "logits"));
}

}  // namespace

Bernoulli::Bernoulli(at::Tensor param, bool from_logits, bool validate)
    : Distribution(param.sizes().vec(), {}, param.scalar_type()),
      param_(std::move(param)),
      from_logits_(from_logits) {
  if (!validate) return;
  if (from_logits_) {
    check_not_nan("Bernoulli", "logits", param_);
  } else {
    check_param("Bernoulli", "probs", param_, (param_ >= 0) & (param_ <= 1), "in [0, 1]");
  }
}

Value Bernoulli::make(const Value* probs, const Value* logits) {
  if ((probs == nullptr) == (logits == nullptr))
    raise_arg_error("Bernoulli", "give exactly one of probs and logits");
  const bool from_logits = logits != nullptr;
  std::vector<at::Tensor> p = broadcast_params(
      "Bernoulli", {{from_logits ? "logits" : "probs", from_logits ? logits : probs}});
  return make_value(new Bernoulli(std::move(p[0]), from_logits, validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Bernoulli::params() const {
  return {{from_logits_ ? "logits" : "probs", param_}};
}

at::Tensor Bernoulli::param(std::string_view name) const {
  if (name == "probs") return probs();
  if (name == "logits") return logits();
  return at::Tensor();
}

at::Tensor Bernoulli::probs() const { return from_logits_ ? param_.sigmoid() : param_; }

at::Tensor Bernoulli::logits() const {
  return from_logits_ ? param_ : binary_probs_to_logits(param_);
}

at::Tensor Bernoulli::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  return at::bernoulli(probs().expand(extended_shape(sample_shape)), global_generator());
}

at::Tensor Bernoulli::enumerate_support(bool expand) const {
  std::vector<int64_t> shape(batch_shape().size() + 1, 1);
  shape[0] = 2;
  const at::Tensor values = at::arange(2, param_.options()).view(shape);
  return expand ? values.expand(extended_shape({2})) : values;
}

at::Tensor Bernoulli::variance() const {
  const at::Tensor p = probs();
  return p * (1 - p);
}

// -(p log p + (1 - p) log(1 - p)): the log mass of the value p, negated.
at::Tensor Bernoulli::entropy() const { return -bernoulli_logits_log_density(logits(), probs()); }

at::Tensor Bernoulli::log_prob_impl(const at::Tensor& value) const {
  return bernoulli_logits_log_density(logits(), value);
}

Value Bernoulli::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Bernoulli(param_.expand(batch_shape), from_logits_, false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Bernoulli, &guarded<&builtin_bernoulli>); }

}  // namespace kiln::rt
