#include "stdlib/distributions/geometric.h"

#include <ATen/ATen.h>
#include <ATen/core/Reduction.h>

#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_geometric(const CallArgs& args) {
  check_args(args, 0, 1, "probs,logits");
  return Geometric::make(optional_arg(args, 0, "probs"), optional_arg(args, 1, "logits"));
}

}  // namespace

Geometric::Geometric(at::Tensor param, bool from_logits, bool validate)
    : Distribution(param.sizes().vec(), {}, param.scalar_type()),
      param_(std::move(param)),
      from_logits_(from_logits) {
  if (!validate) return;
  // p = 0 (logits -inf) would never succeed: no distribution.
  if (from_logits_) {
    check_param("Geometric", "logits", param_, (param_ == param_) & (param_ != -INFINITY),
                "a real number or +inf (not nan or -inf)");
  } else {
    check_param("Geometric", "probs", param_, (param_ > 0) & (param_ <= 1), "in (0, 1]");
  }
}

Value Geometric::make(const Value* probs, const Value* logits) {
  if ((probs == nullptr) == (logits == nullptr))
    raise_arg_error("Geometric", "give exactly one of probs and logits");
  const bool from_logits = logits != nullptr;
  std::vector<at::Tensor> p = broadcast_params(
      "Geometric", {{from_logits ? "logits" : "probs", from_logits ? logits : probs}});
  return make_value(new Geometric(std::move(p[0]), from_logits, validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Geometric::params() const {
  return {{from_logits_ ? "logits" : "probs", param_}};
}

at::Tensor Geometric::param(std::string_view name) const {
  if (name == "probs") return probs();
  if (name == "logits") return logits();
  return at::Tensor();
}

at::Tensor Geometric::probs() const { return from_logits_ ? param_.sigmoid() : param_; }

at::Tensor Geometric::logits() const {
  return from_logits_ ? param_ : binary_probs_to_logits(param_);
}

at::Tensor Geometric::log_success() const {
  return from_logits_ ? log_sigmoid_of(param_) : param_.log();
}

at::Tensor Geometric::log_failure() const {
  return from_logits_ ? log_sigmoid_of(-param_) : (-param_).log1p();
}

at::Tensor Geometric::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  // u >= the smallest normal number keeps log(u) finite; u < 1 keeps it
  // negative, so the quotient is +0 (not -0) when p = 1 makes log(1 - p) -inf.
  const double tiny = dtype() == at::kDouble ? std::numeric_limits<double>::min()
                                             : std::numeric_limits<float>::min();
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor u = at::rand(shape, global_generator(), param_.options()).clamp_min(tiny);
  return (u.log() / log_failure()).floor();
}

at::Tensor Geometric::mean() const { return probs().reciprocal() - 1; }

at::Tensor Geometric::variance() const {
  const at::Tensor p = probs();
  return (p.reciprocal() - 1) / p;
}

// Each trial up to the first success carries the entropy of a Bernoulli(p),
// and there are 1/p of them on average: H = (-p log p - (1-p) log(1-p)) / p.
at::Tensor Geometric::entropy() const {
  return at::binary_cross_entropy_with_logits(logits(), probs(), {}, {}, at::Reduction::None) /
         probs();
}

at::Tensor Geometric::log_prob_impl(const at::Tensor& value) const {
  return count_times_log(value, log_failure()) + log_success();
}

Value Geometric::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Geometric(param_.expand(batch_shape), from_logits_, false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Geometric, &guarded<&builtin_geometric>); }

}  // namespace kiln::rt
