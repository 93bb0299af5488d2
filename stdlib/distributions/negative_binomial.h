// NegativeBinomial(total_count, probs=None, logits=None): the number of
// successes before total_count failures, in trials of success probability p
// (torch's parameterization), as a float of the parameters' dtype.
// total_count may be any nonnegative real (as torch: the Gamma-Poisson
// mixture below is defined for it), broadcast with probs.
//   log p(k) = lgamma(k + r) - lgamma(r) - lgamma(k + 1)
//              + r log(1 - p) + k log(p),   r = total_count, logs from logits;
//   p(0) = 1 when r = 0.
// mean = r p / (1 - p), variance = mean / (1 - p); no entropy (as torch).
// Draws: Poisson(Gamma(shape r, rate (1 - p) / p)).
// Validation: total_count nonnegative; probs in [0, 1); logits not NaN or
// +inf; values nonnegative integers.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class NegativeBinomial final : public Distribution {
 public:
  // `total_count` and `param` (probs, or logits if from_logits) share a
  // floating dtype and shape (broadcast_params); checked if `validate`.
  NegativeBinomial(at::Tensor total_count, at::Tensor param, bool from_logits, bool validate);
  // total_count (number or tensor) is required; exactly one of probs and logits.
  static Value make(const Value& total_count, const Value* probs, const Value* logits);

  std::string_view name() const override { return "NegativeBinomial"; }
  // total_count, then probs or logits as given.
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegativeInteger); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return total_count_ * odds(); }
  at::Tensor variance() const override;

  const at::Tensor& total_count() const { return total_count_; }
  at::Tensor probs() const;
  at::Tensor logits() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // p / (1 - p), exactly from the parameterization given.
  at::Tensor odds() const;

  at::Tensor total_count_;
  at::Tensor param_;  // probs or logits, as given
  bool from_logits_;
};

}  // namespace kiln::rt
