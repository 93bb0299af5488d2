// Categorical(probs) or Categorical(logits=...): an index in 0..K-1 drawn with
// the probabilities along the last dim of the parameter (normalized first,
// as torch: probs / sum, logits - logsumexp). batch_shape is the parameter's
// shape without its last dim; event_shape is (). Draws are int64, as
// torch's; log_prob accepts any integral or whole-valued tensor.
//   log p(k) = logits[..., k]
// mean and variance are nan (an index has no meaningful mean), as torch.
// Validation: see CategoricalParams::normalize; values in 0..K-1.
#pragma once

#include "stdlib/distributions/categorical_params.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Categorical final : public Distribution {
 public:
  // `param` is probs (from_logits false) or logits, categories last;
  // normalized here, and checked first if `validate`.
  Categorical(const at::Tensor& param, bool from_logits, bool validate);
  explicit Categorical(CategoricalParams params);
  // Exactly one of probs and logits (numbers, tensors or lists) must be given.
  static Value make(const Value* probs, const Value* logits);

  std::string_view name() const override { return "Categorical"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  at::Tensor param(std::string_view name) const override { return params_.by_name(name); }
  // integer_interval(0, K - 1).
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override { return mean(); }
  at::Tensor entropy() const override { return params_.entropy(); }
  bool has_enumerate_support() const override { return true; }
  // int64 0..K-1 of shape (K,) + (1,) * batch dims, or (K,) + batch_shape.
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
