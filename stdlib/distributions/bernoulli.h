// Bernoulli(probs) or Bernoulli(logits=...): one coin flip, values 0. or 1.
// (in the parameters' floating dtype, as PyTorch). Stores the
// parameterization it was given and derives the other on demand.
//   log p(x) = x * log(p) + (1 - x) * log(1 - p), computed from logits stably.
// Validation: probs in [0, 1]; logits not NaN; values 0 or 1.
// enumerate_support() gives the two values [0., 1.].
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Bernoulli final : public Distribution {
 public:
  // `param` is probs (from_logits false) or logits; validated if `validate`.
  Bernoulli(at::Tensor param, bool from_logits, bool validate);
  // Exactly one of probs and logits (numbers, tensors or lists) must be given.
  static Value make(const Value* probs, const Value* logits);

  std::string_view name() const override { return "Bernoulli"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override;
  Value support() const override { return constraint_of(ConstraintKind::kBoolean); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return probs(); }
  at::Tensor variance() const override;
  at::Tensor entropy() const override;
  bool has_enumerate_support() const override { return true; }
  at::Tensor enumerate_support(bool expand) const override;

  at::Tensor probs() const;
  at::Tensor logits() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor param_;  // probs or logits, as given
  bool from_logits_;
};

}  // namespace kiln::rt
