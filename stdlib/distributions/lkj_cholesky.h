// LKJCholesky(dim, concentration=1.0): the LKJ distribution over dim x dim
// correlation matrices C = L L^T, expressed on their lower Cholesky factors
// L, as torch.distributions.LKJCholesky. The density of C is proportional
// to det(C)^(eta - 1) (eta = concentration; 1 is uniform, larger eta
// concentrates near the identity). On L, with respect to Lebesgue measure on
// its off-diagonal entries,
//   log p(L) = sum_{k=1}^{dim-1} (dim - k - 1 + 2 (eta - 1)) log L_kk - log c(eta)
// where log c(eta) = (dim - 1)/2 log pi + mvlgamma(a - 1/2, dim - 1)
// - (dim - 1) lgamma(a), a = eta + (dim - 1)/2 (Lewandowski, Kurowicka and
// Joe 2009). Sampling uses their onion method on the Cholesky factor: row k
// is (sqrt(y) u, sqrt(1 - y)) with y ~ Beta(k/2, eta + (dim - 2)/2 - (k - 1)/2)
// and u uniform on the unit sphere in R^k. Not reparameterized.
// Validation: dim an integer >= 2, concentration positive; values must be
// Cholesky factors of correlation matrices.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class LKJCholesky final : public Distribution {
 public:
  // `concentration` is a floating tensor (its shape is the batch shape).
  // Throws KilnError if dim < 2, or (when `validate`) if concentration is
  // not positive.
  LKJCholesky(int64_t dim, at::Tensor concentration, bool validate);
  static Value make(const Value& dim, const Value* concentration);

  std::string_view name() const override { return "LKJCholesky"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kCorrCholesky); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;

  int64_t dim() const { return dim_; }
  const at::Tensor& concentration() const { return concentration_; }

  // "LKJCholesky(dim: 3, concentration: 1.0)"; attribute .dim besides the base's.
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  int64_t dim_;
  at::Tensor concentration_;
};

}  // namespace kiln::rt
