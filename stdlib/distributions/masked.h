// MaskedDistribution(base, mask): the base with log_prob set to 0 wherever
// the bool `mask` is False, as Pyro's MaskedDistribution; what
// Distribution::mask(m) makes (`d.mask(obs_present)` drops missing data from
// the log density). The batch shape is broadcast(base batch shape, mask
// shape); the base is expanded to it. Draws, moments and support are the
// base's. A masked-out element scores exactly 0 even where the base gives
// -inf: the mask selects (at::where) rather than multiplies, which would
// give 0 * -inf = NaN. Immutable; holds a reference to the base.
#pragma once

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class MaskedDistribution final : public Distribution {
 public:
  // `base` holds a Distribution whose batch shape the bool `mask`
  // broadcasts to (InternalError otherwise; make_masked checks for users).
  MaskedDistribution(Value base, at::Tensor mask);

  std::string_view name() const override { return "MaskedDistribution"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override { return {}; }
  Value support() const override { return base().support(); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  bool has_rsample() const override { return base().has_rsample(); }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return base().mean(); }
  at::Tensor variance() const override { return base().variance(); }
  bool has_enumerate_support() const override { return base().has_enumerate_support(); }
  at::Tensor enumerate_support(bool expand) const override;

  const Distribution& base() const { return *as_distribution(base_); }
  const Value& base_value() const { return base_; }
  // Bool, broadcastable to the batch shape.
  const at::Tensor& mask_tensor() const { return mask_; }

  // "MaskedDistribution(Normal(loc: 0.0, scale: 1.0), mask: shape (3,))";
  // attribute .base_dist besides the base's (.mask stays the method).
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override { out.push_back(base_); }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  Value base_;
  at::Tensor mask_;
};

}  // namespace kiln::rt
