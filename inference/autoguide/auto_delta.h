// AutoDelta (Pyro's AutoDelta): MAP estimation as a guide. Each latent site z
// is a point mass at a param constrained to z's support:
//
//   guide = AutoDelta(model)            # init_loc_fn=init_to_median
//   params: AutoDelta.z (constraint: the support of z)
//
// The site is drawn from Delta(AutoDelta.z, event_dim=...), whose log q is 0,
// so Trace_ELBO's loss is -log p(x, z): SVI climbs to the MAP (of the
// density in the constrained parametrization, as in Pyro). The median is
// the param itself; there are no quantiles. Subsampled plates keep one
// value per data point; each call selects the subsample.
#pragma once

#include "inference/autoguide/autoguide.h"

namespace kiln::rt {

class AutoDelta final : public AutoGuide {
 public:
  AutoDelta(Value model, Value init_loc_fn);

 protected:
  Value sample_sites() override;
  std::vector<at::Tensor> site_medians() override;

 private:
  at::Tensor value(size_t i) const;  // the param of latent site i (constrained, full size)
};

}  // namespace kiln::rt
