// Multinomial(total_count=1, probs=None, logits=None): the counts of each of K
// categories in total_count independent Categorical draws, as a float vector
// of the parameters' dtype (as torch). total_count is one int for the whole
// distribution (torch does not support differing counts either); probs or
// logits are normalized along the last dim. batch_shape is the parameter's
// shape without its last dim; event_shape is (K,).
//   log p(x) = lgamma(n + 1) - sum_i lgamma(x_i + 1) + sum_i x_i log p_i,
//   n = sum_i x_i (as torch, which accepts any n <= total_count),
//   with x_i log p_i = 0 when x_i = 0 and p_i = 0.
// mean = n p, variance = n p (1 - p); entropy as torch's (through the
// Binomial marginals). Validation: total_count a nonnegative int; probs and
// logits as CategoricalParams::normalize; values nonnegative integers summing
// to at most total_count.
#pragma once

#include "stdlib/distributions/categorical_params.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Multinomial final : public Distribution {
 public:
  // `param` is probs (from_logits false) or logits, categories last;
  // normalized here, and checked first (with total_count) if `validate`.
  Multinomial(int64_t total_count, const at::Tensor& param, bool from_logits, bool validate);
  // From parameters already normalized and checked; total_count unchecked.
  Multinomial(int64_t total_count, CategoricalParams params);
  // total_count an int (default 1); exactly one of probs and logits.
  static Value make(const Value* total_count, const Value* probs, const Value* logits);

  std::string_view name() const override { return "Multinomial"; }
  // total_count (an int64 0-dim tensor), then probs or logits.
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override;
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  int64_t total_count() const { return total_count_; }
  at::Tensor probs() const { return params_.probs(); }
  at::Tensor logits() const { return params_.logits(); }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  int64_t total_count_;
  CategoricalParams params_;
};

}  // namespace kiln::rt
