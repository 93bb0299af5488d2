// InverseGamma(concentration, rate): the distribution of 1 / X for
// X ~ Gamma(concentration, rate), as torch.distributions.InverseGamma.
//   log p(x) = alpha log(beta) - lgamma(alpha) - (alpha + 1) log(x) - beta / x
// rsample inverts a reparameterized Gamma draw (see gamma.h).
// mean is inf for concentration <= 1 and variance inf for concentration <= 2,
// as in torch.
// Validation: concentration and rate positive; values positive.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class InverseGamma final : public Distribution {
 public:
  // `concentration` and `rate` must already share a floating dtype and shape
  // (broadcast_params). Throws KilnError if `validate` and they are invalid.
  InverseGamma(at::Tensor concentration, at::Tensor rate, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& concentration, const Value& rate);

  std::string_view name() const override { return "InverseGamma"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kPositive); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  const at::Tensor& concentration() const { return concentration_; }
  const at::Tensor& rate() const { return rate_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor concentration_, rate_;
};

}  // namespace kiln::rt
