// StudentT(df, loc=0.0, scale=1.0): Student's t distribution with `df`
// degrees of freedom, shifted by loc and scaled by scale, as
// torch.distributions.StudentT.
//   log p(x) = -(df + 1)/2 log(1 + y^2/df) - log(scale) - log(sqrt(df pi))
//              - lgamma(df/2) + lgamma((df + 1)/2),   y = (x - loc) / scale
// rsample is loc + scale Z / sqrt(V / df) for Z ~ Normal(0, 1) and
// V ~ Chi2(df), reparameterized through the Gamma draw (gamma.h), so
// gradients reach df as well as loc and scale.
// mean is nan for df <= 1; variance is inf for 1 < df <= 2 and nan for
// df <= 1, as in torch.
// Validation: df and scale positive, loc not NaN.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class StudentT final : public Distribution {
 public:
  // `df`, `loc` and `scale` must already share a floating dtype and shape
  // (broadcast_params). Throws KilnError if `validate` and they are invalid.
  StudentT(at::Tensor df, at::Tensor loc, at::Tensor scale, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on; a null loc or scale takes its default (0.0, 1.0).
  static Value make(const Value& df, const Value* loc, const Value* scale);

  std::string_view name() const override { return "StudentT"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kReal); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  const at::Tensor& df() const { return df_; }
  const at::Tensor& loc() const { return loc_; }
  const at::Tensor& scale() const { return scale_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor df_, loc_, scale_;
};

}  // namespace kiln::rt
