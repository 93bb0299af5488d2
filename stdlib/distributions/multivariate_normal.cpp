#include "stdlib/distributions/multivariate_normal.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/gaussian_linalg.h"
#include "stdlib/distributions/matrix_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "MultivariateNormal";
const double kLogTwoPi = std::log(2.0 * M_PI);

using MatrixKind = MultivariateNormal::MatrixKind;

std::string_view matrix_name(MatrixKind kind) {
  switch (kind) {
    case MatrixKind::kCovariance:
      return "covariance_matrix";
    case MatrixKind::kPrecision:
      return "precision_matrix";
    case MatrixKind::kScaleTril:
      return "scale_tril";
  }
  return "";
}

// The batch shape, after checking that loc is a vector and the matrix a
// square matrix of the same size (each with optional batch dims).
std::vector<int64_t> checked_batch_shape(const at::Tensor& loc, const at::Tensor& matrix,
                                         MatrixKind kind) {
  const std::string name(matrix_name(kind));
  check_min_dims(kName, "loc", loc, 1, "a vector with optional leading batch dims");
  check_min_dims(kName, name, matrix, 2, "a matrix with optional leading batch dims");
  if (matrix.size(-1) != matrix.size(-2))
    raise_arg_error(kName, name + " must be square in its last two dims, got shape " +
                               shape_to_string(matrix.sizes().vec()));
  if (loc.size(-1) != matrix.size(-1))
    raise_arg_error(kName, "loc of shape " + shape_to_string(loc.sizes().vec()) + " and " + name +
                               " of shape " + shape_to_string(matrix.sizes().vec()) +
                               " do not match: the last dim of loc must equal the matrix size");
  return broadcast_batch_shapes(kName, {{"loc", &loc, 1}, {name, &matrix, 2}});
}

std::vector<int64_t> vector_event(const at::Tensor& loc) {
  if (loc.dim() == 0) return {};
  return {loc.size(-1)};
}

std::vector<int64_t> with_dims(std::vector<int64_t> shape, std::initializer_list<int64_t> dims) {
  shape.insert(shape.end(), dims);
  return shape;
}

// Lower triangular with a positive diagonal, one bool per matrix.
at::Tensor is_lower_cholesky(const at::Tensor& m) {
  const at::Tensor d = m.detach();
  const at::Tensor lower = (d.triu(1) == 0).all(-1).all(-1);
  return lower & (d.diagonal(0, -2, -1) > 0).all(-1);
}

Value builtin_multivariate_normal(const CallArgs& args) {
  check_args(args, 0, 4, "loc,covariance_matrix,precision_matrix,scale_tril");
  return MultivariateNormal::make(
      required_arg(args, 0, "loc"), optional_arg(args, 1, "covariance_matrix"),
      optional_arg(args, 2, "precision_matrix"), optional_arg(args, 3, "scale_tril"));
}

}  // namespace

MultivariateNormal::MultivariateNormal(at::Tensor loc, at::Tensor matrix, MatrixKind kind,
                                       bool validate)
    : Distribution(checked_batch_shape(loc, matrix, kind), vector_event(loc), loc.scalar_type()),
      kind_(kind) {
  const std::string_view name = matrix_name(kind);
  if (validate) {
    check_param(kName, "loc", loc, loc == loc, "a real number (not nan)");
    if (kind == MatrixKind::kScaleTril)
      check_batch_elements(kName, name, is_lower_cholesky(matrix),
                           "lower triangular with a positive diagonal");
    else
      check_batch_elements(kName, name, is_symmetric(matrix), "symmetric");
  }
  switch (kind) {
    case MatrixKind::kCovariance:
      scale_tril_ = checked_cholesky(kName, name, matrix);
      break;
    case MatrixKind::kPrecision:
      scale_tril_ = precision_to_scale_tril(matrix, kName, name);
      break;
    case MatrixKind::kScaleTril:
      scale_tril_ = matrix;
      break;
  }
  const int64_t n = event_shape()[0];
  loc_ = loc.expand(with_dims(batch_shape(), {n}));
  given_ = matrix.expand(with_dims(batch_shape(), {n, n}));
}

MultivariateNormal::MultivariateNormal(at::Tensor loc, at::Tensor scale_tril, MatrixKind kind,
                                       at::Tensor given)
    : Distribution(loc.sizes().slice(0, loc.dim() - 1).vec(), {loc.size(-1)}, loc.scalar_type()),
      loc_(std::move(loc)),
      scale_tril_(std::move(scale_tril)),
      given_(std::move(given)),
      kind_(kind) {}

Value MultivariateNormal::make(const Value& loc, const Value* covariance_matrix,
                               const Value* precision_matrix, const Value* scale_tril) {
  const int given =
      (covariance_matrix != nullptr) + (precision_matrix != nullptr) + (scale_tril != nullptr);
  if (given != 1)
    raise_arg_error(kName,
                    "give exactly one of covariance_matrix, precision_matrix and scale_tril");
  const MatrixKind kind = covariance_matrix  ? MatrixKind::kCovariance
                          : precision_matrix ? MatrixKind::kPrecision
                                             : MatrixKind::kScaleTril;
  const Value* matrix = covariance_matrix  ? covariance_matrix
                        : precision_matrix ? precision_matrix
                                           : scale_tril;
  std::vector<at::Tensor> p = convert_params(kName, {{"loc", &loc}, {matrix_name(kind), matrix}});
  return make_value(
      new MultivariateNormal(std::move(p[0]), std::move(p[1]), kind, validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> MultivariateNormal::params() const {
  return {{"loc", loc_}, {matrix_name(kind_), given_}};
}

at::Tensor MultivariateNormal::param(std::string_view name) const {
  if (name == "loc") return loc_;
  if (name == "scale_tril") return scale_tril();
  if (name == "covariance_matrix") return covariance_matrix();
  if (name == "precision_matrix") return precision_matrix();
  return at::Tensor();
}

std::vector<int64_t> MultivariateNormal::matrix_shape() const {
  const int64_t n = event_shape()[0];
  return with_dims(batch_shape(), {n, n});
}

at::Tensor MultivariateNormal::scale_tril() const {
  if (kind_ == MatrixKind::kScaleTril) return given_;
  return scale_tril_.expand(matrix_shape());
}

at::Tensor MultivariateNormal::covariance_matrix() const {
  if (kind_ == MatrixKind::kCovariance) return given_;
  return at::matmul(scale_tril_, scale_tril_.transpose(-2, -1)).expand(matrix_shape());
}

at::Tensor MultivariateNormal::precision_matrix() const {
  if (kind_ == MatrixKind::kPrecision) return given_;
  return at::cholesky_inverse(scale_tril_).expand(matrix_shape());
}

at::Tensor MultivariateNormal::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor eps =
      at::randn(extended_shape(sample_shape), global_generator(), loc_.options());
  return loc_ + batch_mv(scale_tril_, eps);
}

at::Tensor MultivariateNormal::variance() const {
  return scale_tril_.pow(2).sum(-1).expand(loc_.sizes());
}

at::Tensor MultivariateNormal::entropy() const {
  const double n = static_cast<double>(event_shape()[0]);
  return (0.5 * n * (1.0 + kLogTwoPi) + half_log_det(scale_tril_)).expand(batch_shape());
}

at::Tensor MultivariateNormal::log_prob_impl(const at::Tensor& value) const {
  const double n = static_cast<double>(event_shape()[0]);
  const at::Tensor m = mahalanobis_squared(scale_tril_, value - loc_);
  return -0.5 * (n * kLogTwoPi + m) - half_log_det(scale_tril_);
}

Value MultivariateNormal::expand_impl(at::IntArrayRef batch_shape) const {
  const int64_t n = event_shape()[0];
  const std::vector<int64_t> batch = batch_shape.vec();
  return make_value(new MultivariateNormal(loc_.expand(with_dims(batch, {n})), scale_tril_, kind_,
                                           given_.expand(with_dims(batch, {n, n}))));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_MultivariateNormal, &guarded<&builtin_multivariate_normal>);
}

}  // namespace kiln::rt
