// LowRankMultivariateNormal(loc, cov_factor, cov_diag): the Gaussian on R^n
// whose covariance is W W^T + D, with W = cov_factor (n x m, usually m << n)
// and D = diag(cov_diag), as torch.distributions.LowRankMultivariateNormal.
// Reparameterized: x = loc + W eps_W + sqrt(D) eps_D. log_prob never forms
// the n x n covariance: with the m x m capacitance matrix C = I + W^T D^-1 W,
//   Sigma^-1 = D^-1 - D^-1 W C^-1 W^T D^-1    (Woodbury identity)
//   det Sigma = det C * det D                 (matrix determinant lemma)
// so it costs O(n m^2). Event shape (n,); batch shape is the broadcast of
// loc.shape[:-1], cov_factor.shape[:-2] and cov_diag.shape[:-1].
// Validation: loc and cov_factor not NaN, cov_diag positive.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class LowRankMultivariateNormal final : public Distribution {
 public:
  // `loc` (..., n), `cov_factor` (..., n, m), `cov_diag` (..., n) of one
  // floating dtype, batch dims broadcastable. Throws KilnError if the shapes
  // do not fit or (when `validate`) a parameter is invalid.
  LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor, at::Tensor cov_diag,
                            bool validate);
  static Value make(const Value& loc, const Value& cov_factor, const Value& cov_diag);

  std::string_view name() const override { return "LowRankMultivariateNormal"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  // Also covariance_matrix, precision_matrix and scale_tril (dense, n x n).
  at::Tensor param(std::string_view name) const override;
  Value support() const override { return independent(constraint_of(ConstraintKind::kReal), 1); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  at::Tensor covariance_matrix() const;
  at::Tensor precision_matrix() const;
  at::Tensor scale_tril() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // An already checked distribution (expand): `loc` broadcast to the batch
  // shape, the others with their own batch dims.
  LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor, at::Tensor cov_diag,
                            at::Tensor capacitance_tril);
  // log det(W W^T + D).
  at::Tensor log_det() const;
  std::vector<int64_t> shape_with(std::initializer_list<int64_t> event_dims) const;

  // loc_ is broadcast to batch_shape + (n,); cov_factor_, cov_diag_ and the
  // Cholesky factor of the capacitance matrix keep their own batch dims.
  at::Tensor loc_, cov_factor_, cov_diag_, capacitance_tril_;
};

}  // namespace kiln::rt
