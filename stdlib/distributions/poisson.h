// Poisson(rate): the number of events of a Poisson process with mean `rate`,
// as a float of the rate's dtype (as torch).
//   log p(k) = k log(rate) - rate - lgamma(k + 1),   0 log 0 = 0 (rate 0, k 0)
// mean = variance = rate; no closed-form entropy (as torch).
// Validation: rate nonnegative; values nonnegative integers.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Poisson final : public Distribution {
 public:
  // `rate` is a floating tensor; checked if `validate`.
  Poisson(at::Tensor rate, bool validate);
  // From a user's argument (number, tensor or list).
  static Value make(const Value& rate);

  std::string_view name() const override { return "Poisson"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegativeInteger); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return rate_; }
  at::Tensor variance() const override { return rate_; }

  const at::Tensor& rate() const { return rate_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor rate_;
};

}  // namespace kiln::rt
