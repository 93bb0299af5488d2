// Binomial(total_count=1, probs=None, logits=None): the number of successes
// in total_count independent trials of success probability p, as a float of
// the parameters' dtype (as torch). total_count may be a tensor broadcasting
// with probs; it is stored in their floating dtype. Stores the
// parameterization it was given and derives the other on demand.
//   log p(k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
//              + k log(p) + (n - k) log(1 - p),   the logs from logits stably.
// mean = n p, variance = n p (1 - p). entropy and enumerate_support need one
// total_count for all batch elements (as torch), else raise KilnError.
// Validation: total_count a nonnegative integer; probs in [0, 1]; logits not
// NaN; values integers in [0, total_count].
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

// The Binomial log-pmf from the logit of p, broadcasting its arguments;
// Multinomial's entropy scores its Binomial marginals with it.
at::Tensor binomial_log_prob(const at::Tensor& total_count, const at::Tensor& logits,
                             const at::Tensor& value);

class Binomial final : public Distribution {
 public:
  // `total_count` and `param` (probs, or logits if from_logits) share a
  // floating dtype and shape (broadcast_params); checked if `validate`.
  Binomial(at::Tensor total_count, at::Tensor param, bool from_logits, bool validate);
  // total_count a number or tensor (default 1); exactly one of probs and logits.
  static Value make(const Value* total_count, const Value* probs, const Value* logits);

  std::string_view name() const override { return "Binomial"; }
  // total_count, then probs or logits as given.
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override;
  // integer_interval(0, total_count).
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return total_count_ * probs(); }
  at::Tensor variance() const override;
  at::Tensor entropy() const override;
  bool has_enumerate_support() const override { return true; }
  // 0..n in the parameters' dtype, shape (n + 1,) + (1,) * batch dims, or
  // (n + 1,) + batch_shape.
  at::Tensor enumerate_support(bool expand) const override;

  const at::Tensor& total_count() const { return total_count_; }
  at::Tensor probs() const;
  at::Tensor logits() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // The one total_count of every batch element; raises KilnError naming
  // `method` when they differ.
  int64_t common_total_count(std::string_view method) const;

  at::Tensor total_count_;
  at::Tensor param_;  // probs or logits, as given
  bool from_logits_;
};

}  // namespace kiln::rt
