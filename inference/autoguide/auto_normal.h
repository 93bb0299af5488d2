// AutoNormal (Pyro's AutoNormal): a mean-field Gaussian guide. Each latent
// site z gets its own Normal(loc, scale) in unconstrained space, pushed
// through biject_to(support), so the site's value is always in the support:
//
//   guide = AutoNormal(model, init_scale=0.1)   # init_loc_fn=init_to_feasible
//   params: AutoNormal.locs.z (unconstrained), AutoNormal.scales.z (positive)
//
// The site named z is drawn from TransformedDistribution(Normal(loc,
// scale).to_event(k), biject_to(support)) -- plain Normal(...).to_event(k)
// when the support is the reals, so TraceMeanField_ELBO finds closed-form
// KLs -- hence the guide trace's log q of z is the density of the
// constrained value, log|det J| included, as Trace_ELBO needs. Params hold
// one entry per data point of a subsampled plate; each call selects the
// subsample.
#pragma once

#include "inference/autoguide/autoguide.h"

namespace kiln::rt {

class AutoNormal final : public AutoGuide {
 public:
  // Pyro's default scale of the initial Normals (unconstrained space).
  static constexpr double kDefaultInitScale = 0.1;

  // Raises KilnError unless init_scale > 0.
  AutoNormal(Value model, Value init_loc_fn, double init_scale);

  // Attribute .init_scale besides the base's.
  Value get_attr(std::string_view attr) const override;

 protected:
  void setup() override;
  Value sample_sites() override;
  std::vector<at::Tensor> site_medians() override;
  std::vector<at::Tensor> site_quantiles(const at::Tensor& qs) override;

 private:
  // The loc and scale params of latent site i (full size).
  at::Tensor loc(size_t i) const;
  at::Tensor scale(size_t i) const;

  double init_scale_;
  std::vector<at::Tensor> init_locs_;    // unconstrained starting points
  std::vector<at::Tensor> init_scales_;  // init_scale everywhere
};

}  // namespace kiln::rt
