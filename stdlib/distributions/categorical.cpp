#include "stdlib/distributions/categorical.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_categorical(const CallArgs& args) {
  check_args(args, 0, 1, "probs,logits");
  return Categorical::make(optional_arg(args, 0, "probs"), optional_arg(args, 1, "logits"));
}

}  // namespace

Categorical::Categorical(const at::Tensor& param, bool from_logits, bool validate)
    : Categorical(CategoricalParams::normalize("Categorical", param, from_logits, validate)) {}

Categorical::Categorical(CategoricalParams params)
    : Distribution(params.batch_shape(), {}, params.given().scalar_type()),
      params_(std::move(params)) {}

Value Categorical::make(const Value* probs, const Value* logits) {
  return make_value(
      new Categorical(CategoricalParams::make("Categorical", probs, logits, validation_enabled())));
}

std::vector<std::pair<std::string_view, at::Tensor>> Categorical::params() const {
  return {{params_.given_name(), params_.given()}};
}

Value Categorical::support() const {
  return integer_interval(at::scalar_tensor(0, at::kLong),
                          at::scalar_tensor(params_.num_categories() - 1, at::kLong));
}

at::Tensor Categorical::sample(at::IntArrayRef sample_shape) const {
  return params_.sample_index(sample_shape);
}

at::Tensor Categorical::mean() const {
  return at::full(batch_shape(), NAN, params_.given().options());
}

at::Tensor Categorical::enumerate_support(bool expand) const {
  const int64_t k = params_.num_categories();
  std::vector<int64_t> shape(batch_shape().size() + 1, 1);
  shape[0] = k;
  const at::Tensor values = at::arange(k, at::TensorOptions().dtype(at::kLong)).view(shape);
  return expand ? values.expand(extended_shape({k})) : values;
}

at::Tensor Categorical::log_prob_impl(const at::Tensor& value) const {
  return params_.log_prob_of_index(value);
}

Value Categorical::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Categorical(params_.expand(batch_shape)));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Categorical, &guarded<&builtin_categorical>);
}

}  // namespace kiln::rt
