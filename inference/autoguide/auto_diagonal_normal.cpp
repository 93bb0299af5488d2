// AutoDiagonalNormal: the packed latent vector ~ Normal(loc, scale).to_event(1),
// params AutoDiagonalNormal.loc and AutoDiagonalNormal.scale (positive).
#include <ATen/ATen.h>

#include "inference/autoguide/auto_continuous.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/normal.h"

namespace kiln::rt {

AutoDiagonalNormal::AutoDiagonalNormal(Value model, Value init_loc_fn, double init_scale)
    : AutoContinuous("AutoDiagonalNormal", std::move(model), std::move(init_loc_fn), init_scale) {}

at::Tensor AutoDiagonalNormal::marginal_scale() {
  return param(param_name("scale"), at::full_like(init_loc(), init_scale()),
               constraint_of(ConstraintKind::kPositive));
}

Value AutoDiagonalNormal::get_posterior() {
  const Value normal = make_value(new Normal(loc(), marginal_scale(), /*validate=*/false));
  return as_distribution(normal)->to_event(1);
}

}  // namespace kiln::rt
