// Linear algebra of Gaussians given by a lower Cholesky factor L of the
// covariance (L L^T = Sigma), shared by MultivariateNormal,
// LowRankMultivariateNormal and their KL divergences. All functions are
// differentiable and batched: matrices (..., n, n), vectors (..., n), batch
// dims broadcast as in torch.
//
// Vectors usually carry more leading dims than the matrix (a sample shape in
// front of the batch shape): those dims are folded into the columns of one
// right-hand side, so the matrix is never copied per draw.
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>

namespace kiln::rt {

// m v for matrices m (..., n, k) and vectors v (..., k): shape (..., n).
at::Tensor batch_mv(const at::Tensor& m, const at::Tensor& v);

// x^T (L L^T)^-1 x = |L^-1 x|^2, by a triangular solve: shape broadcast of
// L's and x's batch dims.
at::Tensor mahalanobis_squared(const at::Tensor& scale_tril, const at::Tensor& x);

// log det L = sum(log diag L), which is half of log det(L L^T).
at::Tensor half_log_det(const at::Tensor& scale_tril);

// The lower Cholesky factor L of P^-1 (L L^T = P^-1) without forming P^-1:
// factoring P with its rows and columns reversed gives P = U U^T with U
// upper triangular, and L = U^-T. Raises KilnError naming `dist` and
// `param` if P is not positive definite.
at::Tensor precision_to_scale_tril(const at::Tensor& precision, std::string_view dist,
                                   std::string_view param);

}  // namespace kiln::rt
