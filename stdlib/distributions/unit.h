// Unit(log_factor): the distribution behind factor(name, log_weight), as in
// Pyro. Its only value is empty (event shape (0,)) and its log_prob is
// log_factor, so a factor is a sample site like any other: traces record it
// and ELBOs add its log_prob without special cases. Not a builtin.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Unit final : public Distribution {
 public:
  explicit Unit(at::Tensor log_factor);

  std::string_view name() const override { return "Unit"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kReal); }
  // An empty tensor of shape sample_shape + batch_shape + (0,).
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override { return sample(sample_shape); }

 protected:
  // log_factor broadcast with value's batch dims.
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor log_factor_;
};

}  // namespace kiln::rt
