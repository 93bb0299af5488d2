#include "stdlib/distributions/low_rank_multivariate_normal.h"

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

constexpr std::string_view kName = "LowRankMultivariateNormal";
const double kLogTwoPi = std::log(2.0 * M_PI);

std::vector<int64_t> checked_batch_shape(const at::Tensor& loc, const at::Tensor& cov_factor,
                                         const at::Tensor& cov_diag) {
  check_min_dims(kName, "loc", loc, 1, "a vector with optional leading batch dims");
  check_min_dims(kName, "cov_factor", cov_factor, 2,
                 "an n x m matrix with optional leading batch dims");
  check_min_dims(kName, "cov_diag", cov_diag, 1, "a vector with optional leading batch dims");
  const int64_t n = loc.size(-1);
  const std::string loc_shape = shape_to_string(loc.sizes().vec());
  if (cov_factor.size(-2) != n)
    raise_arg_error(kName, "cov_factor of shape " + shape_to_string(cov_factor.sizes().vec()) +
                               " must have " + std::to_string(n) + " rows to match loc of shape " +
                               loc_shape);
  if (cov_diag.size(-1) != n)
    raise_arg_error(kName, "cov_diag of shape " + shape_to_string(cov_diag.sizes().vec()) +
                               " must end in " + std::to_string(n) + " to match loc of shape " +
                               loc_shape);
  return broadcast_batch_shapes(
      kName, {{"loc", &loc, 1}, {"cov_factor", &cov_factor, 2}, {"cov_diag", &cov_diag, 1}});
}

std::vector<int64_t> vector_event(const at::Tensor& loc) {
  if (loc.dim() == 0) return {};
  return {loc.size(-1)};
}

// W^T D^-1, (..., m, n).
at::Tensor factor_t_over_diag(const at::Tensor& cov_factor, const at::Tensor& cov_diag) {
  return cov_factor.transpose(-2, -1) / cov_diag.unsqueeze(-2);
}

// The Cholesky factor of C = I + W^T D^-1 W, which is positive definite
// whenever D is.
at::Tensor capacitance_tril(const at::Tensor& cov_factor, const at::Tensor& cov_diag) {
  const int64_t m = cov_factor.size(-1);
  const at::Tensor c = at::matmul(factor_t_over_diag(cov_factor, cov_diag), cov_factor) +
                       at::eye(m, cov_factor.options());
  return at::linalg_cholesky(c);
}

Value builtin_low_rank_multivariate_normal(const CallArgs& args) {
  check_args(args, 0, 3, "loc,cov_factor,cov_diag");
  return LowRankMultivariateNormal::make(required_arg(args, 0, "loc"),
                                         required_arg(args, 1, "cov_factor"),
                                         required_arg(args, 2, "cov_diag"));
}

}  // namespace

LowRankMultivariateNormal::LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor,
                                                     at::Tensor cov_diag, bool validate)
    : Distribution(checked_batch_shape(loc, cov_factor, cov_diag), vector_event(loc),
                   loc.scalar_type()),
      cov_factor_(std::move(cov_factor)),
      cov_diag_(std::move(cov_diag)) {
  if (validate) {
    check_param(kName, "loc", loc, loc == loc, "a real number (not nan)");
    check_param(kName, "cov_factor", cov_factor_, cov_factor_ == cov_factor_,
                "a real number (not nan)");
    check_positive(kName, "cov_diag", cov_diag_);
  }
  loc_ = loc.expand(shape_with({event_shape()[0]}));
  capacitance_tril_ = capacitance_tril(cov_factor_, cov_diag_);
}

LowRankMultivariateNormal::LowRankMultivariateNormal(at::Tensor loc, at::Tensor cov_factor,
                                                     at::Tensor cov_diag,
                                                     at::Tensor capacitance_tril)
    : Distribution(loc.sizes().slice(0, loc.dim() - 1).vec(), {loc.size(-1)}, loc.scalar_type()),
      loc_(std::move(loc)),
      cov_factor_(std::move(cov_factor)),
      cov_diag_(std::move(cov_diag)),
      capacitance_tril_(std::move(capacitance_tril)) {}

Value LowRankMultivariateNormal::make(const Value& loc, const Value& cov_factor,
                                      const Value& cov_diag) {
  std::vector<at::Tensor> p =
      convert_params(kName, {{"loc", &loc}, {"cov_factor", &cov_factor}, {"cov_diag", &cov_diag}});
  return make_value(new LowRankMultivariateNormal(std::move(p[0]), std::move(p[1]), std::move(p[2]),
                                                  validation_enabled()));
}

std::vector<int64_t> LowRankMultivariateNormal::shape_with(
    std::initializer_list<int64_t> event_dims) const {
  std::vector<int64_t> shape = batch_shape();
  shape.insert(shape.end(), event_dims);
  return shape;
}

std::vector<std::pair<std::string_view, at::Tensor>> LowRankMultivariateNormal::params() const {
  const int64_t n = event_shape()[0], m = cov_factor_.size(-1);
  return {{"loc", loc_},
          {"cov_factor", cov_factor_.expand(shape_with({n, m}))},
          {"cov_diag", cov_diag_.expand(shape_with({n}))}};
}

at::Tensor LowRankMultivariateNormal::param(std::string_view name) const {
  if (name == "covariance_matrix") return covariance_matrix();
  if (name == "precision_matrix") return precision_matrix();
  if (name == "scale_tril") return scale_tril();
  return Distribution::param(name);
}

at::Tensor LowRankMultivariateNormal::covariance_matrix() const {
  const int64_t n = event_shape()[0];
  const at::Tensor c =
      at::matmul(cov_factor_, cov_factor_.transpose(-2, -1)) + at::diag_embed(cov_diag_);
  return c.expand(shape_with({n, n}));
}

// Woodbury: Sigma^-1 = D^-1 - A^T A with A = L_C^-1 W^T D^-1.
at::Tensor LowRankMultivariateNormal::precision_matrix() const {
  const int64_t n = event_shape()[0];
  const at::Tensor a = at::linalg_solve_triangular(
      capacitance_tril_, factor_t_over_diag(cov_factor_, cov_diag_), /*upper=*/false);
  const at::Tensor p = at::diag_embed(cov_diag_.reciprocal()) - at::matmul(a.transpose(-2, -1), a);
  return p.expand(shape_with({n, n}));
}

at::Tensor LowRankMultivariateNormal::scale_tril() const {
  return at::linalg_cholesky(covariance_matrix());
}

at::Tensor LowRankMultivariateNormal::rsample(at::IntArrayRef sample_shape) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  std::vector<int64_t> factor_shape = shape;
  factor_shape.back() = cov_factor_.size(-1);
  const at::Tensor eps_factor = at::randn(factor_shape, global_generator(), loc_.options());
  const at::Tensor eps_diag = at::randn(shape, global_generator(), loc_.options());
  return loc_ + batch_mv(cov_factor_, eps_factor) + cov_diag_.sqrt() * eps_diag;
}

at::Tensor LowRankMultivariateNormal::variance() const {
  return (cov_factor_.pow(2).sum(-1) + cov_diag_).expand(loc_.sizes());
}

at::Tensor LowRankMultivariateNormal::log_det() const {
  return 2 * half_log_det(capacitance_tril_) + cov_diag_.log().sum(-1);
}

at::Tensor LowRankMultivariateNormal::entropy() const {
  const double n = static_cast<double>(event_shape()[0]);
  return (0.5 * (n * (1.0 + kLogTwoPi) + log_det())).expand(batch_shape());
}

// (x - loc)^T Sigma^-1 (x - loc) = |x - loc|^2_{D^-1} - |L_C^-1 W^T D^-1 (x - loc)|^2.
at::Tensor LowRankMultivariateNormal::log_prob_impl(const at::Tensor& value) const {
  const double n = static_cast<double>(event_shape()[0]);
  const at::Tensor diff = value - loc_;
  const at::Tensor projected = batch_mv(factor_t_over_diag(cov_factor_, cov_diag_), diff);
  const at::Tensor m =
      (diff.pow(2) / cov_diag_).sum(-1) - mahalanobis_squared(capacitance_tril_, projected);
  return -0.5 * (n * kLogTwoPi + log_det() + m);
}

Value LowRankMultivariateNormal::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = batch_shape.vec();
  shape.push_back(event_shape()[0]);
  return make_value(
      new LowRankMultivariateNormal(loc_.expand(shape), cov_factor_, cov_diag_, capacitance_tril_));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_LowRankMultivariateNormal,
                   &guarded<&builtin_low_rank_multivariate_normal>);
}

}  // namespace kiln::rt
