// The parameters of a distribution over K categories -- Categorical,
// OneHotCategorical and Multinomial hold one: probs or logits with the
// categories along the last dim and the batch dims before it, normalized as
// torch.distributions normalizes them (probs / sum, logits - logsumexp).
// The checks of such parameters, the log-probability of category indices
// and the drawing of indices live here once, so the three agree.
//   CategoricalParams p = CategoricalParams::make("Categorical", probs, nullptr, true);
//   p.log_prob_of_index(idx)   // gathers the normalized logits
// Immutable; copying shares the tensor.
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

class CategoricalParams {
 public:
  // From a user's arguments: exactly one of probs and logits (numbers,
  // tensors or lists) must be non-null. Raises KilnError naming `dist`.
  static CategoricalParams make(std::string_view dist, const Value* probs, const Value* logits,
                                bool validate);
  // From a floating tensor of probs (from_logits false) or logits with at
  // least one dim; normalized, and checked first if `validate`: probs
  // finite, nonnegative, each row with a positive sum; logits not nan or
  // +inf, each row with an entry above -inf.
  static CategoricalParams normalize(std::string_view dist, at::Tensor param, bool from_logits,
                                     bool validate);

  bool from_logits() const { return from_logits_; }
  // The parameterization given ("probs" or "logits"), normalized.
  std::string_view given_name() const { return from_logits_ ? "logits" : "probs"; }
  const at::Tensor& given() const { return param_; }
  at::Tensor probs() const;
  // log(probs): the normalized logits, or log(clamp_probs(probs)) (finite).
  at::Tensor logits() const;
  // probs or logits by name; undefined for any other name.
  at::Tensor by_name(std::string_view name) const;

  int64_t num_categories() const { return param_.size(-1); }
  // The dims before the categories.
  std::vector<int64_t> batch_shape() const;
  // The same parameters broadcast to `batch_shape` (already checked).
  CategoricalParams expand(at::IntArrayRef batch_shape) const;

  // log p(index) for an integral tensor of category indices broadcasting
  // with batch_shape (as torch: the result has the broadcast shape).
  at::Tensor log_prob_of_index(const at::Tensor& index) const;
  // int64 indices of shape sample_shape + batch_shape, from global_generator().
  at::Tensor sample_index(at::IntArrayRef sample_shape) const;
  // -sum p log p over the categories, with 0 log 0 = 0.
  at::Tensor entropy() const;

 private:
  CategoricalParams(at::Tensor normalized, bool from_logits)
      : param_(std::move(normalized)), from_logits_(from_logits) {}

  at::Tensor param_;
  bool from_logits_;
};

}  // namespace kiln::rt
