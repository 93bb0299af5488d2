// Geometric(probs) or Geometric(logits=...): the number of failures before the
// first success in trials of success probability p (support 0, 1, 2, ...,
// as torch), a float of the parameters' dtype. Stores the parameterization
// it was given and derives the other on demand.
//   log p(k) = k log(1 - p) + log(p),   0 log 0 = 0 (p = 1, k = 0)
// mean = 1/p - 1, variance = (1/p - 1)/p, entropy = H(Bernoulli(p)) / p.
// Validation: probs in (0, 1]; logits not NaN or -inf; values nonnegative
// integers.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Geometric final : public Distribution {
 public:
  // `param` is probs (from_logits false) or logits; checked if `validate`.
  Geometric(at::Tensor param, bool from_logits, bool validate);
  // Exactly one of probs and logits (numbers, tensors or lists) must be given.
  static Value make(const Value* probs, const Value* logits);

  std::string_view name() const override { return "Geometric"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegativeInteger); }
  // By inversion: floor(log(u) / log(1 - p)), u uniform on (0, 1).
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  at::Tensor probs() const;
  at::Tensor logits() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // log(p) and log(1 - p), from the parameterization given (stable for
  // large |logits|).
  at::Tensor log_success() const;
  at::Tensor log_failure() const;

  at::Tensor param_;  // probs or logits, as given
  bool from_logits_;
};

}  // namespace kiln::rt
