// Exponential(rate): waiting times of a Poisson process with `rate`,
// reparameterized (an Exponential(1) draw divided by rate).
//   log p(x) = log(rate) - rate x
// Validation: rate must be positive; values nonnegative.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Exponential final : public Distribution {
 public:
  // `rate` must be a floating tensor (broadcast_params). Throws KilnError
  // if `validate` and it is invalid.
  Exponential(at::Tensor rate, bool validate);
  // From a user's argument (number, tensor, list), validated if validation
  // is on.
  static Value make(const Value& rate);

  std::string_view name() const override { return "Exponential"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegative); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return rate_.reciprocal(); }
  at::Tensor variance() const override { return rate_.pow(-2); }
  at::Tensor entropy() const override { return 1 - rate_.log(); }
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  const at::Tensor& rate() const { return rate_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor rate_;
};

}  // namespace kiln::rt
