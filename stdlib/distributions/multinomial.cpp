#include "stdlib/distributions/multinomial.h"

#include <ATen/ATen.h>

#include <string>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/binomial.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_multinomial(const CallArgs& args) {
  check_args(args, 0, 2, "total_count,probs,logits");
  return Multinomial::make(optional_arg(args, 0, "total_count"), optional_arg(args, 1, "probs"),
                           optional_arg(args, 2, "logits"));
}

int64_t checked_total_count(int64_t total_count, bool validate) {
  if (validate && total_count < 0)
    raise_arg_error("Multinomial",
                    "total_count must be a nonnegative int, got " + std::to_string(total_count));
  return total_count;
}

}  // namespace

Multinomial::Multinomial(int64_t total_count, const at::Tensor& param, bool from_logits,
                         bool validate)
    // Braces evaluate left to right, so total_count is checked before probs.
    : Multinomial{checked_total_count(total_count, validate),
                  CategoricalParams::normalize("Multinomial", param, from_logits, validate)} {}

Multinomial::Multinomial(int64_t total_count, CategoricalParams params)
    : Distribution(params.batch_shape(), {params.num_categories()}, params.given().scalar_type()),
      total_count_(total_count),
      params_(std::move(params)) {}

Value Multinomial::make(const Value* total_count, const Value* probs, const Value* logits) {
  const bool validate = validation_enabled();
  const int64_t n = checked_total_count(
      total_count == nullptr ? 1 : int_arg(*total_count, "Multinomial", "total_count"), validate);
  return make_value(
      new Multinomial(n, CategoricalParams::make("Multinomial", probs, logits, validate)));
}

std::vector<std::pair<std::string_view, at::Tensor>> Multinomial::params() const {
  return {{"total_count", at::scalar_tensor(total_count_, at::kLong)},
          {params_.given_name(), params_.given()}};
}

at::Tensor Multinomial::param(std::string_view name) const {
  if (name == "total_count") return at::scalar_tensor(total_count_, at::kLong);
  return params_.by_name(name);
}

Value Multinomial::support() const {
  return multinomial_constraint(at::scalar_tensor(total_count_, at::kLong));
}

// Counts of total_count Categorical draws per batch element: the draws are
// drawn as a leading dim, moved last, and tallied into K bins.
at::Tensor Multinomial::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  const at::Tensor counts = at::zeros(extended_shape(sample_shape), params_.given().options());
  if (total_count_ == 0) return counts;
  std::vector<int64_t> draws_shape = sample_shape.vec();
  draws_shape.insert(draws_shape.begin(), total_count_);
  const at::Tensor index = params_.sample_index(draws_shape).movedim(0, -1);
  return counts.scatter_add(-1, index, at::ones(index.sizes(), counts.options()));
}

at::Tensor Multinomial::mean() const { return params_.probs() * static_cast<double>(total_count_); }

at::Tensor Multinomial::variance() const {
  const at::Tensor p = params_.probs();
  return static_cast<double>(total_count_) * p * (1 - p);
}

// -E log p(X) = n H(probs) - lgamma(n + 1) + sum_i E lgamma(X_i + 1), where
// each count X_i is Binomial(n, p_i); the last sum runs over X_i = 1..n
// because lgamma(1) = 0.
at::Tensor Multinomial::entropy() const {
  const at::TensorOptions options = params_.given().options();
  const at::Tensor n = at::scalar_tensor(static_cast<double>(total_count_), options);
  const at::Tensor categorical_part = n * params_.entropy() - (n + 1).lgamma();
  if (total_count_ == 0) return categorical_part;
  std::vector<int64_t> shape(batch_shape().size() + 2, 1);
  shape.front() = total_count_;
  const at::Tensor k = at::arange(1, total_count_ + 1, options).view(shape);
  const at::Tensor marginal_log_prob =
      binomial_log_prob(n, binary_probs_to_logits(params_.probs()), k);
  return categorical_part +
         (marginal_log_prob.exp() * (k + 1).lgamma()).sum(at::IntArrayRef{0, -1});
}

at::Tensor Multinomial::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor logits = params_.logits();
  const std::vector<int64_t> shape = at::infer_size(value.sizes(), logits.sizes());
  const at::Tensor x = value.expand(shape);
  return (x.sum(-1) + 1).lgamma() - (x + 1).lgamma().sum(-1) +
         count_times_log(x, logits.expand(shape)).sum(-1);
}

Value Multinomial::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Multinomial(total_count_, params_.expand(batch_shape)));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Multinomial, &guarded<&builtin_multinomial>);
}

}  // namespace kiln::rt
