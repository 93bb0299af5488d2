// The packed-vector machinery shared by AutoDiagonalNormal,
// AutoMultivariateNormal, AutoLowRankMultivariateNormal and
// AutoLaplaceApproximation: packing the starting point, cutting draws into
// sites, and the per-site Delta sites that carry the Jacobian terms.
#include "inference/autoguide/auto_continuous.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/delta.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

// t summed over its n rightmost dims.
at::Tensor sum_last_dims(const at::Tensor& t, int64_t n) {
  if (n <= 0) return t;
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= n; ++i) dims.push_back(-i);
  return t.sum(dims);
}

}  // namespace

AutoContinuous::AutoContinuous(std::string name, Value model, Value init_loc_fn, double init_scale)
    : AutoGuide(std::move(name), std::move(model), std::move(init_loc_fn)), init_scale_(init_scale) {
  if (!(init_scale > 0))
    raise(this->name() + "(): init_scale must be positive, got " + format_float(init_scale));
}

void AutoContinuous::setup() {
  const Prototype& p = built();
  for (const LatentSite& s : p.sites)
    for (const SitePlate& sp : s.plates)
      if (p.plate(sp.name).subsampled())
        raise(name() + " cannot guide site '" + s.name + "' in the subsampled plate '" + sp.name +
                  "': it draws all latent values as one vector, so every call needs every data point",
              "use AutoNormal or AutoDelta, which support subsampling");
  if (p.sites.empty())
    raise(name() + ": the model has no latent sites to guide",
          "every sample site of the model is observed; an empty guide (a function that does "
          "nothing) will do");
  std::vector<at::Tensor> parts;
  latent_dim_ = 0;
  for (size_t i = 0; i < p.sites.size(); ++i) {
    const LatentSite& s = p.sites[i];
    parts.push_back(s.bijection().inverse(init_value(i)).detach().reshape({-1}));
    latent_dim_ += s.unconstrained_numel();
  }
  init_loc_ = at::cat(parts).contiguous();
  KILN_ASSERT(init_loc_.numel() == latent_dim_, name() + ": packed init has an unexpected size");
  setup_params();
}

at::Tensor AutoContinuous::loc() const { return param(param_name("loc"), init_loc_); }

std::vector<at::Tensor> AutoContinuous::unpack(const at::Tensor& latent, bool align_batch) const {
  KILN_ASSERT(latent.dim() >= 1 && latent.size(-1) == latent_dim_,
              name() + ": a packed latent of the wrong size");
  const std::vector<int64_t> lead(latent.sizes().begin(), latent.sizes().end() - 1);
  std::vector<at::Tensor> out;
  int64_t offset = 0;
  for (const LatentSite& s : built().sites) {
    const int64_t n = s.unconstrained_numel();
    const at::Tensor part = latent.narrow(-1, offset, n);
    offset += n;
    std::vector<int64_t> shape = lead;
    if (align_batch) {
      // The lead dims are batch dims of the draw (an outer particle plate,
      // allocated left of every model plate): where they overlap the
      // site's own batch dims they must be 1 and merge into them.
      const auto site_batch = static_cast<int64_t>(s.unconstrained_shape.size()) -
                              s.unconstrained_event_dim;
      for (int64_t j = 0; j < site_batch && !shape.empty(); ++j) {
        if (shape.back() != 1)
          raise(name() + ": the draws have batch shape " + shape_to_string(lead) +
                    ", which collides with the batch dims of site '" + s.name + "' (shape " +
                    shape_to_string(s.full_shape) + ")",
                "vectorized particles need max_plate_nesting to cover every batch dim of the "
                "model's sites");
        shape.pop_back();
      }
    }
    shape.insert(shape.end(), s.unconstrained_shape.begin(), s.unconstrained_shape.end());
    out.push_back(part.reshape(shape));
  }
  return out;
}

Value AutoContinuous::sample_sites() {
  const Prototype& p = built();
  const Value latent_value = sample(latent_site_name(), get_posterior(), /*auxiliary=*/true);
  const at::Tensor latent = to_tensor(latent_value, "site '" + latent_site_name() + "'");
  const std::vector<at::Tensor> parts = unpack(latent, /*align_batch=*/true);
  Value out = make_dict();
  for (size_t i = 0; i < p.sites.size(); ++i) {
    const LatentSite& s = p.sites[i];
    const Transform& t = s.bijection();
    const at::Tensor x = t.forward(parts[i]);
    // q(x) = q(u) / |det dx/du|: the Delta carries -log|det J| per batch element.
    const at::Tensor log_det =
        sum_last_dims(t.log_abs_det_jacobian(parts[i], x), s.event_dim - t.codomain_event_dim());
    SitePlates plates(*this, s);
    const Value dist = make_value(new Delta(x, s.event_dim, -log_det));
    out.as<DictObject>()->set(make_str(s.name), sample(s.name, dist));
  }
  return out;
}

std::vector<at::Tensor> AutoContinuous::site_medians() {
  const std::vector<at::Tensor> parts = unpack(loc(), /*align_batch=*/false);
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < parts.size(); ++i)
    out.push_back(built().sites[i].bijection().forward(parts[i]));
  return out;
}

std::vector<at::Tensor> AutoContinuous::site_quantiles(const at::Tensor& qs) {
  const std::vector<at::Tensor> locs = unpack(loc(), false);
  const std::vector<at::Tensor> scales = unpack(marginal_scale(), false);
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < locs.size(); ++i)
    out.push_back(gaussian_quantiles(built().sites[i], locs[i], scales[i], qs));
  return out;
}

Value AutoContinuous::get_attr(std::string_view attr) const {
  if (attr == "latent_dim") return has_prototype() ? Value(latent_dim_) : Value();
  if (attr == "init_scale") return Value(init_scale_);
  if (attr == "get_posterior")
    return make_value(
        new BoundMethodObject(Value(const_cast<AutoContinuous*>(this)), std::string(attr)));
  return AutoGuide::get_attr(attr);
}

Value AutoContinuous::call_method(std::string_view method, const CallArgs& args) {
  if (method == "get_posterior")
    return torch_guard(name() + ".get_posterior", [&] {
      prototype(args);
      return get_posterior();
    });
  return AutoGuide::call_method(method, args);
}

}  // namespace kiln::rt
