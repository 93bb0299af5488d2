// MultivariateNormal(loc, covariance_matrix=None, precision_matrix=None,
// scale_tril=None): the Gaussian on R^n, reparameterized, as
// torch.distributions.MultivariateNormal. Exactly one matrix is given; the
// distribution keeps L, the lower Cholesky factor of the covariance
// (Sigma = L L^T), and derives the other matrices on demand.
//   log p(x) = -|L^-1 (x - loc)|^2 / 2 - sum(log diag L) - n log(2 pi) / 2
// Event shape (n,); batch shape = broadcast(loc.shape[:-1], matrix.shape[:-2]).
// Validation: loc not NaN; a covariance or precision matrix symmetric (and
// always positive definite, since it must be factored); scale_tril lower
// triangular with a positive diagonal. Errors name the failing batch element:
//   MultivariateNormal(): covariance_matrix must be positive definite, but it is not (batch element
//   (1,) is not)
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class MultivariateNormal final : public Distribution {
 public:
  enum class MatrixKind { kCovariance, kPrecision, kScaleTril };

  // `loc` (..., n) and `matrix` (..., n, n) of one floating dtype, batch
  // dims broadcastable. Throws KilnError if the shapes do not fit, if a
  // covariance or precision matrix is not positive definite, or (when
  // `validate`) if another check fails.
  MultivariateNormal(at::Tensor loc, at::Tensor matrix, MatrixKind kind, bool validate);
  // From a user's arguments; exactly one matrix must be non-null.
  static Value make(const Value& loc, const Value* covariance_matrix, const Value* precision_matrix,
                    const Value* scale_tril);

  std::string_view name() const override { return "MultivariateNormal"; }
  // loc and the matrix as given.
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  // Also covariance_matrix, precision_matrix and scale_tril whichever was given.
  at::Tensor param(std::string_view name) const override;
  Value support() const override { return independent(constraint_of(ConstraintKind::kReal), 1); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return loc_; }
  at::Tensor variance() const override;
  at::Tensor entropy() const override;

  // Broadcast to batch_shape + event_shape.
  const at::Tensor& loc() const { return loc_; }
  // L with its own batch dims (not broadcast to batch_shape): cheaper to solve with.
  const at::Tensor& unbroadcasted_scale_tril() const { return scale_tril_; }
  at::Tensor scale_tril() const;
  at::Tensor covariance_matrix() const;
  at::Tensor precision_matrix() const;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // An already factored distribution (expand): `loc` broadcast to the batch
  // shape, `given` the user's matrix broadcast to it.
  MultivariateNormal(at::Tensor loc, at::Tensor scale_tril, MatrixKind kind, at::Tensor given);
  std::vector<int64_t> matrix_shape() const;

  at::Tensor loc_, scale_tril_, given_;
  MatrixKind kind_;
};

}  // namespace kiln::rt
