#include "stdlib/distributions/one_hot_categorical.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_one_hot_categorical(const CallArgs& args) {
  check_args(args, 0, 1, "probs,logits");
  return OneHotCategorical::make(optional_arg(args, 0, "probs"), optional_arg(args, 1, "logits"));
}

}  // namespace

OneHotCategorical::OneHotCategorical(const at::Tensor& param, bool from_logits, bool validate)
    : OneHotCategorical(
          CategoricalParams::normalize("OneHotCategorical", param, from_logits, validate)) {}

OneHotCategorical::OneHotCategorical(CategoricalParams params)
    : Distribution(params.batch_shape(), {params.num_categories()}, params.given().scalar_type()),
      params_(std::move(params)) {}

Value OneHotCategorical::make(const Value* probs, const Value* logits) {
  return make_value(new OneHotCategorical(
      CategoricalParams::make("OneHotCategorical", probs, logits, validation_enabled())));
}

std::vector<std::pair<std::string_view, at::Tensor>> OneHotCategorical::params() const {
  return {{params_.given_name(), params_.given()}};
}

at::Tensor OneHotCategorical::sample(at::IntArrayRef sample_shape) const {
  const at::Tensor index = params_.sample_index(sample_shape);
  return at::one_hot(index, params_.num_categories()).to(dtype());
}

at::Tensor OneHotCategorical::variance() const {
  const at::Tensor p = params_.probs();
  return p * (1 - p);
}

at::Tensor OneHotCategorical::enumerate_support(bool expand) const {
  const int64_t k = params_.num_categories();
  std::vector<int64_t> shape(batch_shape().size() + 2, 1);
  shape.front() = k;
  shape.back() = k;
  const at::Tensor values = at::eye(k, params_.given().options()).view(shape);
  return expand ? values.expand(extended_shape({k})) : values;
}

// The value is one-hot (validated), so the index of its 1 is its category.
at::Tensor OneHotCategorical::log_prob_impl(const at::Tensor& value) const {
  return params_.log_prob_of_index(value.argmax(-1));
}

Value OneHotCategorical::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new OneHotCategorical(params_.expand(batch_shape)));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_OneHotCategorical, &guarded<&builtin_one_hot_categorical>);
}

}  // namespace kiln::rt
