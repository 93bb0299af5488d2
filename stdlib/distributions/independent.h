// Independent(base_distribution, reinterpreted_batch_ndims): the base with
// its n rightmost batch dims reinterpreted as event dims, as
// torch.distributions.Independent; what Distribution::to_event(n) makes.
// log_prob and entropy sum the base's over those dims; draws, moments and
// rsample are the base's. A diagonal Gaussian over vectors, for instance:
//   Normal(zeros(3), ones(3)).to_event(1)   # batch shape (), event shape (3,)
// Immutable; holds a reference to the base.
#pragma once

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Independent final : public Distribution {
 public:
  // `base` must hold a Distribution with at least `reinterpreted_dims`
  // batch dims (InternalError otherwise; make_independent checks for users).
  Independent(Value base, int64_t reinterpreted_dims);
  static Value make(const Value& base, const Value& reinterpreted_batch_ndims);

  std::string_view name() const override { return "Independent"; }
  // None of its own: the base's parameters stay on the base.
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override { return {}; }
  // independent(base support, n).
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  bool has_rsample() const override { return base().has_rsample(); }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return base().mean(); }
  at::Tensor variance() const override { return base().variance(); }
  at::Tensor entropy() const override;
  // As torch: enumeration over the product of the reinterpreted dims is not
  // supported, so only a wrapper that reinterprets nothing enumerates.
  bool has_enumerate_support() const override;
  at::Tensor enumerate_support(bool expand) const override;

  const Distribution& base() const { return *as_distribution(base_); }
  const Value& base_value() const { return base_; }
  int64_t reinterpreted_dims() const { return reinterpreted_dims_; }

  // "Independent(Normal(loc: ..., scale: ...), 1)"; attributes .base_dist
  // and .reinterpreted_batch_ndims besides the base's.
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override { out.push_back(base_); }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // x summed over its `reinterpreted_dims_` rightmost dims.
  at::Tensor sum_reinterpreted(const at::Tensor& x) const;

  Value base_;
  int64_t reinterpreted_dims_;
};

}  // namespace kiln::rt
