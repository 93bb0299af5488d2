#include "stdlib/distributions/gaussian_linalg.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "stdlib/distributions/matrix_params.h"

namespace kiln::rt {

namespace {

// Applies `solve` (a matrix operation on right-hand sides of shape
// (*batch, k, N)) to the vectors x (..., k): the leading dims of x beyond
// the matrix's batch dims become the N columns, and come back in front of
// the result, whose vectors have the length `solve` gives them.
template <class F>
at::Tensor on_columns(const at::Tensor& x, at::IntArrayRef matrix_batch, F&& solve) {
  const int64_t matrix_batch_dims = static_cast<int64_t>(matrix_batch.size());
  const int64_t vector_batch_dims = x.dim() - 1;
  const int64_t extra = std::max<int64_t>(0, vector_batch_dims - matrix_batch_dims);
  const at::IntArrayRef sizes = x.sizes();
  const std::vector<int64_t> lead = sizes.slice(0, extra).vec();
  const std::vector<int64_t> inner =
      at::infer_size(matrix_batch, sizes.slice(extra, vector_batch_dims - extra));
  std::vector<int64_t> full = lead;
  full.insert(full.end(), inner.begin(), inner.end());
  full.push_back(x.size(-1));
  int64_t columns_count = 1;
  for (int64_t d : lead) columns_count *= d;
  std::vector<int64_t> stacked = {columns_count};
  stacked.insert(stacked.end(), inner.begin(), inner.end());
  stacked.push_back(x.size(-1));
  const at::Tensor columns = x.expand(full).reshape(stacked).movedim(0, -1);
  const at::Tensor out = solve(columns);
  std::vector<int64_t> result = lead;
  result.insert(result.end(), inner.begin(), inner.end());
  result.push_back(out.size(-2));
  return out.movedim(-1, 0).reshape(result);
}

at::IntArrayRef matrix_batch(const at::Tensor& m) { return m.sizes().slice(0, m.dim() - 2); }

}  // namespace

at::Tensor batch_mv(const at::Tensor& m, const at::Tensor& v) {
  return on_columns(v, matrix_batch(m),
                    [&](const at::Tensor& columns) { return at::matmul(m, columns); });
}

at::Tensor mahalanobis_squared(const at::Tensor& scale_tril, const at::Tensor& x) {
  const at::Tensor whitened =
      on_columns(x, matrix_batch(scale_tril), [&](const at::Tensor& columns) {
        return at::linalg_solve_triangular(scale_tril, columns, /*upper=*/false);
      });
  return whitened.pow(2).sum(-1);
}

at::Tensor half_log_det(const at::Tensor& scale_tril) {
  return scale_tril.diagonal(0, -2, -1).log().sum(-1);
}

at::Tensor precision_to_scale_tril(const at::Tensor& precision, std::string_view dist,
                                   std::string_view param) {
  const at::Tensor reversed_factor = checked_cholesky(dist, param, precision.flip({-2, -1}));
  const at::Tensor upper = reversed_factor.flip({-2, -1});
  const at::Tensor identity = at::eye(precision.size(-1), precision.options());
  return at::linalg_solve_triangular(upper.transpose(-2, -1), identity, /*upper=*/false);
}

}  // namespace kiln::rt
