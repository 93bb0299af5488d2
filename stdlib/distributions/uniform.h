// Uniform(low, high): the continuous uniform distribution on [low, high],
// reparameterized.
//   log p(x) = -log(high - low) for low <= x <= high, else -inf
// Validation: low < high everywhere (the error shows both); values in
// [low, high].
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Uniform final : public Distribution {
 public:
  // `low` and `high` must already share a floating dtype and shape
  // (broadcast_params). Throws KilnError if `validate` and they are invalid.
  Uniform(at::Tensor low, at::Tensor high, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& low, const Value& high);

  std::string_view name() const override { return "Uniform"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return interval(low_, high_); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return (low_ + high_) / 2; }
  at::Tensor variance() const override { return (high_ - low_).pow(2) / 12; }
  at::Tensor entropy() const override { return (high_ - low_).log(); }
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  const at::Tensor& low() const { return low_; }
  const at::Tensor& high() const { return high_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor low_, high_;
};

}  // namespace kiln::rt
