// Arguments and checks of the distributions whose parameters are vectors and
// matrices (MultivariateNormal, LowRankMultivariateNormal). Unlike
// broadcast_params, parameters keep their own shapes: a loc (..., n) and a
// covariance (..., n, n) broadcast only in their batch dims. A check on whole
// matrices names the batch element that fails:
//   MultivariateNormal(): covariance_matrix must be positive definite, but it is not (batch element
//   (1,) is not)
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>
#include <vector>

#include "stdlib/distributions/dist_params.h"

namespace kiln::rt {

// The arguments as tensors of one floating dtype (promoted as
// broadcast_params promotes), each keeping its shape. Raises KilnError for
// non-numeric arguments.
std::vector<at::Tensor> convert_params(std::string_view dist, const std::vector<ParamArg>& args);

// Raises "<dist>(): <param> must be at least <dims>-dimensional (<layout>),
// got shape (...)" if t has fewer dims.
void check_min_dims(std::string_view dist, std::string_view param, const at::Tensor& t,
                    int64_t dims, std::string_view layout);

struct BatchedParam {
  std::string_view name;  // "covariance_matrix"
  const at::Tensor* value;
  int64_t event_dims;  // 1 for a vector, 2 for a matrix
};

// The broadcast of the parameters' batch shapes (each shape without its
// event_dims rightmost dims). Raises KilnError naming two parameters whose
// batch shapes clash.
std::vector<int64_t> broadcast_batch_shapes(std::string_view dist,
                                            const std::vector<BatchedParam>& params);

// Raises "<dist>(): <param> must be <requirement>, but it is not (<why>)"
// unless `ok` (bool, one entry per batch element of the parameter) holds
// everywhere; <why> names the first failing batch element, or is
// `single_detail` (may be empty) when the parameter has no batch dims.
void check_batch_elements(std::string_view dist, std::string_view param, const at::Tensor& ok,
                          std::string_view requirement, std::string_view single_detail = "");

// Symmetric in the last two dims (to torch's tolerance, atol 1e-6), one
// bool per batch element.
at::Tensor is_symmetric(const at::Tensor& matrix);

// The lower Cholesky factor of `matrix` (..., n, n), differentiable. Raises
// "<dist>(): <param> must be positive definite, ..." naming the first batch
// element that is not (for a single matrix, its smallest eigenvalue). Only
// the lower triangle is read.
at::Tensor checked_cholesky(std::string_view dist, std::string_view param,
                            const at::Tensor& matrix);

}  // namespace kiln::rt
