// OneHotCategorical(probs) or OneHotCategorical(logits=...): a Categorical
// draw written as a one-hot vector of length K (floats of the parameters'
// dtype, as torch). batch_shape is the parameter's shape without its last
// dim; event_shape is (K,).
//   log p(x) = logits[..., argmax(x)]
// mean = probs, variance = probs * (1 - probs), entropy as Categorical's.
// Validation: see CategoricalParams::normalize; values one-hot.
#pragma once

#include "stdlib/distributions/categorical_params.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class OneHotCategorical final : public Distribution {
 public:
  // `param` is probs (from_logits false) or logits, categories last;
  // normalized here, and checked first if `validate`.
  OneHotCategorical(const at::Tensor& param, bool from_logits, bool validate);
  explicit OneHotCategorical(CategoricalParams params);
  // Exactly one of probs and logits (numbers, tensors or lists) must be given.
  static Value make(const Value* probs, const Value* logits);

  std::string_view name() const override { return "OneHotCategorical"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override { return params_.by_name(name); }
  Value support() const override { return constraint_of(ConstraintKind::kOneHot); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return params_.probs(); }
  at::Tensor variance() const override;
  at::Tensor entropy() const override { return params_.entropy(); }
  bool has_enumerate_support() const override { return true; }
  // The K rows of the identity: shape (K,) + (1,) * batch dims + (K,), or
  // (K,) + batch_shape + (K,).
  at::Tensor enumerate_support(bool expand) const override;

  at::Tensor probs() const { return params_.probs(); }
  at::Tensor logits() const { return params_.logits(); }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  CategoricalParams params_;
};

}  // namespace kiln::rt
