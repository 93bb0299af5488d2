// Laplace(loc, scale): the double exponential distribution, reparameterized.
//   log p(x) = -log(2 scale) - |x - loc| / scale
// Validation: loc must not be NaN, scale must be positive.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Laplace final : public Distribution {
 public:
  // `loc` and `scale` must already share a floating dtype and shape
  // (broadcast_params). Throws KilnError if `validate` and they are invalid.
  Laplace(at::Tensor loc, at::Tensor scale, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& loc, const Value& scale);

  std::string_view name() const override { return "Laplace"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kReal); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor variance() const override { return 2 * scale_.pow(2); }
  at::Tensor entropy() const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor loc_, scale_;
};

}  // namespace kiln::rt
