// HalfCauchy(scale): |X| for X ~ Cauchy(0, scale), reparameterized.
//   log p(x) = log(2) - log(pi) - log(scale) - log(1 + (x / scale)^2),  x >= 0
// mean and variance are inf, as in torch (the integrals diverge to +inf).
// Validation: scale must be positive; values nonnegative.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class HalfCauchy final : public Distribution {
 public:
  // `scale` must be a floating tensor (broadcast_params). Throws KilnError
  // if `validate` and it is invalid.
  HalfCauchy(at::Tensor scale, bool validate);
  // From a user's argument (number, tensor, list), validated if validation
  // is on.
  static Value make(const Value& scale);

  std::string_view name() const override { return "HalfCauchy"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegative); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  const at::Tensor& scale() const { return scale_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor scale_;
};

}  // namespace kiln::rt
