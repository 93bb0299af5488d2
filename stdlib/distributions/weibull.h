// Weibull(scale, concentration): the Weibull distribution with scale lambda
// and shape k (concentration), as torch.distributions.Weibull;
// reparameterized as lambda E^(1/k) for E ~ Exponential(1).
//   log p(x) = log(k / lambda) + (k - 1) log(x / lambda) - (x / lambda)^k
// Validation: scale and concentration positive; values positive.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Weibull final : public Distribution {
 public:
  // `scale` and `concentration` must already share a floating dtype and
  // shape (broadcast_params). Throws KilnError if `validate` and they are
  // invalid.
  Weibull(at::Tensor scale, at::Tensor concentration, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& scale, const Value& concentration);

  std::string_view name() const override { return "Weibull"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kPositive); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  const at::Tensor& scale() const { return scale_; }
  const at::Tensor& concentration() const { return concentration_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor scale_, concentration_;
};

}  // namespace kiln::rt
