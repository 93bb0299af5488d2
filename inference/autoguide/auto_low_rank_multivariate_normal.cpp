// AutoLowRankMultivariateNormal: the packed latent vector ~
// LowRankMultivariateNormal(loc, W, d), covariance W W^T + diag(d), params
// AutoLowRankMultivariateNormal.loc, .cov_factor (W, D x rank) and .cov_diag
// (d, positive). The starting covariance has diagonal init_scale^2 in
// expectation, half from W (random, so the rank directions differ) and half
// from d.
#include <ATen/ATen.h>

#include <cmath>

#include "inference/autoguide/auto_continuous.h"
#include "runtime/objects.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/low_rank_multivariate_normal.h"
#include "stdlib/random.h"

namespace kiln::rt {

namespace {

constexpr double kShareOfVarianceInFactor = 0.5;

}  // namespace

AutoLowRankMultivariateNormal::AutoLowRankMultivariateNormal(Value model, Value init_loc_fn,
                                                             double init_scale, int64_t rank)
    : AutoContinuous("AutoLowRankMultivariateNormal", std::move(model), std::move(init_loc_fn),
                     init_scale),
      rank_(rank) {}

void AutoLowRankMultivariateNormal::setup_params() {
  if (rank_ < 1) rank_ = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(latent_dim()))));
  // Each of the rank columns adds init_scale^2 * share / rank to a diagonal entry on average.
  const double column_sd = init_scale() * std::sqrt(kShareOfVarianceInFactor / rank_);
  init_cov_factor_ =
      at::randn({latent_dim(), rank_}, global_generator(), init_loc().options()) * column_sd;
}

std::pair<at::Tensor, at::Tensor> AutoLowRankMultivariateNormal::factors() {
  const double diag = (1 - kShareOfVarianceInFactor) * init_scale() * init_scale();
  return {param(param_name("cov_factor"), init_cov_factor_),
          param(param_name("cov_diag"), at::full_like(init_loc(), diag),
                constraint_of(ConstraintKind::kPositive))};
}

Value AutoLowRankMultivariateNormal::get_posterior() {
  const auto [cov_factor, cov_diag] = factors();
  return make_value(new LowRankMultivariateNormal(loc(), cov_factor, cov_diag, /*validate=*/false));
}

at::Tensor AutoLowRankMultivariateNormal::marginal_scale() {
  const auto [cov_factor, cov_diag] = factors();
  return (cov_factor.pow(2).sum(-1) + cov_diag).sqrt();
}

Value AutoLowRankMultivariateNormal::get_attr(std::string_view attr) const {
  if (attr == "rank") return rank_ >= 1 ? Value(rank_) : Value();
  return AutoContinuous::get_attr(attr);
}

}  // namespace kiln::rt
