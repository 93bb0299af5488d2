#include "inference/autoguide/auto_delta.h"

#include <ATen/ATen.h>

#include "runtime/objects.h"
#include "stdlib/distributions/delta.h"

namespace kiln::rt {

AutoDelta::AutoDelta(Value model, Value init_loc_fn)
    : AutoGuide("AutoDelta", std::move(model), std::move(init_loc_fn)) {}

at::Tensor AutoDelta::value(size_t i) const {
  const LatentSite& s = built().sites[i];
  return param(param_name(s.name), init_value(i), s.support, s.event_dim);
}

Value AutoDelta::sample_sites() {
  Value out = make_dict();
  const Prototype& p = built();
  for (size_t i = 0; i < p.sites.size(); ++i) {
    const LatentSite& s = p.sites[i];
    const at::Tensor full = value(i);
    SitePlates plates(*this, s);
    const Value dist = make_value(new Delta(subsample(full, s, s.event_dim), s.event_dim));
    out.as<DictObject>()->set(make_str(s.name), sample(s.name, dist));
  }
  return out;
}

std::vector<at::Tensor> AutoDelta::site_medians() {
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < built().sites.size(); ++i) out.push_back(value(i));
  return out;
}

}  // namespace kiln::rt
