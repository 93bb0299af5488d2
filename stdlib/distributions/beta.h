// Beta(concentration1, concentration0): the Beta distribution on [0, 1] with
// concentration1 = alpha (the weight of 1) and concentration0 = beta (the
// weight of 0), as torch.distributions.Beta.
//   log p(x) = (alpha - 1) log(x) + (beta - 1) log(1 - x) - lbeta(alpha, beta)
// rsample is X / (X + Y) for X ~ Gamma(alpha, 1), Y ~ Gamma(beta, 1), both
// reparameterized implicitly (gamma.h), so gradients reach both parameters.
// Validation: concentration1 and concentration0 positive; values in [0, 1].
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Beta final : public Distribution {
 public:
  // `concentration1` and `concentration0` must already share a floating
  // dtype and shape (broadcast_params). Throws KilnError if `validate` and
  // they are invalid.
  Beta(at::Tensor concentration1, at::Tensor concentration0, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& concentration1, const Value& concentration0);

  std::string_view name() const override { return "Beta"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kUnitInterval); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  const at::Tensor& concentration1() const { return concentration1_; }
  const at::Tensor& concentration0() const { return concentration0_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // log B(alpha, beta) = lgamma(alpha) + lgamma(beta) - lgamma(alpha + beta).
  at::Tensor log_beta_function() const;

  at::Tensor concentration1_, concentration0_;
};

}  // namespace kiln::rt
