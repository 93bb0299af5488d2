// TransformedDistribution(base_distribution, transforms): the distribution
// of y = t_k(...t_1(x)) for x ~ base, as torch.distributions.
// TransformedDistribution; `transforms` is one transform or a list
// (stdlib/transforms/transform.h). By the change of variables,
//   log p(y) = log p_base(x) - sum_i log|det J_{t_i}(x_{i-1})|
// inverting through the transforms from the last, each Jacobian term summed
// over the dims it shares with the event. LogNormal is
// TransformedDistribution(Normal(mu, sigma), transforms.exp).
//
// Shapes follow torch: the base is expanded when the transforms need more
// dims, and wrapped in Independent when they act on larger events than the
// base's (a stick-breaking transform on a batch of Normals); the event dims
// of y are the larger of the last transform's codomain event dims and the
// base's event dims shifted by the change the transforms make.
// Reparameterized when the base is. Immutable; holds references to the base
// and the transforms.
#pragma once

#include <vector>

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class TransformedDistribution final : public Distribution {
 public:
  // `base` holds a Distribution, `transforms` Transform values. Throws
  // KilnError if the base has fewer dims than the transforms act on.
  TransformedDistribution(const Value& base, std::vector<Value> transforms);
  // From a user's arguments: a transform or a list/tuple of them.
  static Value make(const Value& base_distribution, const Value& transforms);

  std::string_view name() const override { return "TransformedDistribution"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override { return {}; }
  // The last transform's codomain, made independent over the remaining
  // event dims; the base's support without transforms.
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  bool has_rsample() const override { return base().has_rsample(); }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  // Through monotone scalar transforms only (each transform's sign is +1 or
  // -1); otherwise the base's error.
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor icdf(const at::Tensor& q) const override;

  // The base as used: possibly expanded and wrapped in Independent.
  const Distribution& base() const { return *as_distribution(base_); }
  const Value& base_value() const { return base_; }
  const std::vector<Value>& transforms() const { return transforms_; }

  // "TransformedDistribution(Normal(loc: 0.0, scale: 1.0), [ExpTransform()])";
  // attributes .base_dist and .transforms (a list) besides the base's.
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override {
    out.push_back(base_);
    out.insert(out.end(), transforms_.begin(), transforms_.end());
  }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // The base as used and the shapes, worked out before construction.
  struct Prepared;
  static Prepared prepare(const Value& base, std::vector<Value> transforms);
  explicit TransformedDistribution(Prepared p);
  // +1 if the transforms preserve order, -1 if they reverse it; raises if
  // one of them is not monotone.
  int monotone_sign() const;

  Value base_;
  std::vector<Value> transforms_;
};

}  // namespace kiln::rt
