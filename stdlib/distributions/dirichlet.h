// Dirichlet(concentration): a distribution over the probability simplex in
// R^K, as torch.distributions.Dirichlet; concentration alpha has shape
// batch_shape + (K,).
//   log p(x) = sum((alpha - 1) log x) + lgamma(sum(alpha)) - sum(lgamma(alpha))
// rsample draws g_k ~ Gamma(alpha_k, 1) and returns g / sum(g); gradients
// with respect to alpha flow through the Gamma draws by implicit
// reparameterization (LibTorch's derivative of _standard_gamma).
// Validation: concentration positive and at least one-dimensional.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Dirichlet final : public Distribution {
 public:
  // `concentration` is a floating tensor of at least one dim. Throws
  // KilnError if it has none, or (when `validate`) if it is not positive.
  Dirichlet(at::Tensor concentration, bool validate);
  static Value make(const Value& concentration);

  std::string_view name() const override { return "Dirichlet"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kSimplex); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  const at::Tensor& concentration() const { return concentration_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor concentration_;
};

}  // namespace kiln::rt
