#include "stdlib/distributions/unit.h"

#include <ATen/ATen.h>

namespace kiln::rt {

Unit::Unit(at::Tensor log_factor)
    : Distribution(log_factor.sizes().vec(), {0}, log_factor.scalar_type()),
      log_factor_(std::move(log_factor)) {}

std::vector<std::pair<std::string_view, at::Tensor>> Unit::params() const {
  return {{"log_factor", log_factor_}};
}

at::Tensor Unit::sample(at::IntArrayRef sample_shape) const {
  return at::empty(extended_shape(sample_shape), log_factor_.options().requires_grad(false));
}

at::Tensor Unit::log_prob_impl(const at::Tensor& value) const {
  std::vector<int64_t> value_batch = value.sizes().vec();
  if (!value_batch.empty()) value_batch.pop_back();
  return log_factor_.expand(at::infer_size(batch_shape(), value_batch));
}

Value Unit::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Unit(log_factor_.expand(batch_shape)));
}

}  // namespace kiln::rt
