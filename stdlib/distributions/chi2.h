// Chi2(df): the chi-squared distribution with `df` degrees of freedom, as
// torch.distributions.Chi2; it is Gamma(df / 2, 1 / 2) (gamma.h), and so
// reparameterized through the Gamma draw, gradients reaching df.
//   log p(x) = (df/2 - 1) log(x) - x/2 - (df/2) log(2) - lgamma(df/2)
// Validation: df positive; values nonnegative.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Chi2 final : public Distribution {
 public:
  // `df` must be a floating tensor (broadcast_params). Throws KilnError if
  // `validate` and it is invalid.
  Chi2(at::Tensor df, bool validate);
  // From a user's argument (number, tensor, list), validated if validation
  // is on.
  static Value make(const Value& df);

  std::string_view name() const override { return "Chi2"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegative); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return df_; }
  at::Tensor variance() const override { return 2 * df_; }
  at::Tensor entropy() const override;

  const at::Tensor& df() const { return df_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // The Gamma parameters: df / 2 and a 0-dim 1/2 of df's dtype.
  at::Tensor concentration() const { return df_ / 2; }
  at::Tensor rate() const;

  at::Tensor df_;
};

}  // namespace kiln::rt
