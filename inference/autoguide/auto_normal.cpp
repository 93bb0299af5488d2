#include "inference/autoguide/auto_normal.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/normal.h"
#include "stdlib/distributions/transformed_distribution.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

AutoNormal::AutoNormal(Value model, Value init_loc_fn, double init_scale)
    : AutoGuide("AutoNormal", std::move(model), std::move(init_loc_fn)), init_scale_(init_scale) {
  if (!(init_scale > 0))
    raise("AutoNormal(): init_scale must be positive, got " + format_float(init_scale));
}

void AutoNormal::setup() {
  init_locs_.clear();
  init_scales_.clear();
  const Prototype& p = built();
  for (size_t i = 0; i < p.sites.size(); ++i) {
    const LatentSite& s = p.sites[i];
    const at::Tensor u = s.bijection().inverse(init_value(i)).detach().contiguous();
    KILN_ASSERT(u.sizes().vec() == s.unconstrained_shape,
                "AutoNormal: site '" + s.name + "': unconstrained init has an unexpected shape");
    init_locs_.push_back(u);
    init_scales_.push_back(at::full(u.sizes(), init_scale_, u.options()));
  }
}

at::Tensor AutoNormal::loc(size_t i) const {
  return param(param_name("locs." + built().sites[i].name), init_locs_[i]);
}

at::Tensor AutoNormal::scale(size_t i) const {
  return param(param_name("scales." + built().sites[i].name), init_scales_[i],
               constraint_of(ConstraintKind::kPositive));
}

Value AutoNormal::sample_sites() {
  Value out = make_dict();
  const Prototype& p = built();
  for (size_t i = 0; i < p.sites.size(); ++i) {
    const LatentSite& s = p.sites[i];
    const at::Tensor full_loc = loc(i), full_scale = scale(i);
    SitePlates plates(*this, s);
    const int64_t k = s.unconstrained_event_dim;
    Value base = make_value(
        new Normal(subsample(full_loc, s, k), subsample(full_scale, s, k), /*validate=*/false));
    if (k > 0) base = as_distribution(base)->to_event(k);
    const Value dist =
        s.is_real() ? base : make_value(new TransformedDistribution(base, {s.transform}));
    out.as<DictObject>()->set(make_str(s.name), sample(s.name, dist));
  }
  return out;
}

std::vector<at::Tensor> AutoNormal::site_medians() {
  std::vector<at::Tensor> out;
  const Prototype& p = built();
  for (size_t i = 0; i < p.sites.size(); ++i) out.push_back(p.sites[i].bijection().forward(loc(i)));
  return out;
}

std::vector<at::Tensor> AutoNormal::site_quantiles(const at::Tensor& qs) {
  std::vector<at::Tensor> out;
  const Prototype& p = built();
  for (size_t i = 0; i < p.sites.size(); ++i)
    out.push_back(gaussian_quantiles(p.sites[i], loc(i), scale(i), qs));
  return out;
}

Value AutoNormal::get_attr(std::string_view attr) const {
  if (attr == "init_scale") return Value(init_scale_);
  return AutoGuide::get_attr(attr);
}

}  // namespace kiln::rt
