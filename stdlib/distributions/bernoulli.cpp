#include "stdlib/distributions/bernoulli.h"

#include <ATen/ATen.h>
#include <ATen/core/Reduction.h>
#include <torch/autograd.h>

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

// target * log(sigmoid(logits)) + (1 - target) * log(1 - sigmoid(logits)),
// elementwise and stable for large |logits|.
at::Tensor neg_bce_with_logits(const at::Tensor& logits, const at::Tensor& target) {
  const std::vector<int64_t> shape = at::infer_size(logits.sizes(), target.sizes());
  const at::ScalarType t = at::promote_types(logits.scalar_type(), target.scalar_type());
  // Converted and expanded only when needed: each is an operation, and on
  // logits that require grad a graph node, for every evaluation.
  auto prepare = [&](const at::Tensor& x) {
    const at::Tensor typed = x.scalar_type() == t ? x : x.to(t);
    return typed.sizes() == at::IntArrayRef(shape) ? typed : typed.expand(shape);
  };
  return -at::binary_cross_entropy_with_logits(prepare(logits), prepare(target), {}, {}, at::Reduction::None);
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

at::Tensor Bernoulli::entropy() const { return -neg_bce_with_logits(logits(), probs()); }

at::Tensor Bernoulli::log_prob_impl(const at::Tensor& value) const {
  return bernoulli_logits_log_density(logits(), value);
}

Value Bernoulli::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Bernoulli(param_.expand(batch_shape), from_logits_, false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Bernoulli, &guarded<&builtin_bernoulli>); }

}  // namespace kiln::rt
