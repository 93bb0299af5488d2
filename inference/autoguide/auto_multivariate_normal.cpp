// AutoMultivariateNormal: the packed latent vector ~ MultivariateNormal(loc,
// scale_tril=L), params AutoMultivariateNormal.loc and
// AutoMultivariateNormal.scale_tril (constraint lower_cholesky, starting at
// init_scale * I).
#include <ATen/ATen.h>

#include "inference/autoguide/auto_continuous.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/multivariate_normal.h"

namespace kiln::rt {

AutoMultivariateNormal::AutoMultivariateNormal(Value model, Value init_loc_fn, double init_scale)
    : AutoContinuous("AutoMultivariateNormal", std::move(model), std::move(init_loc_fn),
                     init_scale) {}

at::Tensor AutoMultivariateNormal::scale_tril() {
  const at::Tensor init = at::eye(latent_dim(), init_loc().options()) * init_scale();
  return param(param_name("scale_tril"), init, constraint_of(ConstraintKind::kLowerCholesky),
               /*event_dim=*/2);
}

Value AutoMultivariateNormal::get_posterior() {
  return make_value(new MultivariateNormal(loc(), scale_tril(),
                                           MultivariateNormal::MatrixKind::kScaleTril,
                                           /*validate=*/false));
}

at::Tensor AutoMultivariateNormal::marginal_scale() {
  return scale_tril().pow(2).sum(-1).sqrt();  // sd_i = |row i of L|, as Sigma = L L^T
}

Value AutoMultivariateNormal::from_gaussian(const AutoGuide& other, const at::Tensor& loc,
                                            const at::Tensor& scale_tril) {
  auto* guide = new AutoMultivariateNormal(other.model(), other.init_loc_fn(), kDefaultInitScale);
  Value held = make_value(guide);
  guide->adopt_prototype(other);
  ParamStore& store = ParamStore::global();
  store.set(guide->param_name("loc"), loc.detach(), constraint_of(ConstraintKind::kReal));
  store.set(guide->param_name("scale_tril"), scale_tril.detach(),
            constraint_of(ConstraintKind::kLowerCholesky));
  return held;
}

}  // namespace kiln::rt
