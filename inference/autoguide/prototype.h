// The prototype of an autoguide: what one run of the model says about the
// latent sites the guide must cover. On its first call an autoguide runs the
// model once with the call's arguments under block(trace(model)) -- traced,
// and hidden from every handler outside, so the run leaves no trace in an
// enclosing ELBO or Predictive -- and keeps, for each latent site (sample,
// not observed, not auxiliary), its support, the bijection from the reals
// onto it, its shapes and the vectorized plates it sits in.
//
//   const Prototype p = build_prototype(model, args, "AutoNormal");
//   for (const LatentSite& s : p.sites) ... s.unconstrained_shape ...
//
// Shapes are "full": a plate subsampled in the model (plate("data", 1000,
// subsample_size=100)) counts with its full size, because the guide keeps
// one parameter per data point and selects the subsample on each call.
//
// Raises KilnError naming the guide and the site for a discrete latent site
// (no bijection to the reals) and for a plate name used with two sizes.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/handlers/message.h"
#include "runtime/value.h"

namespace kiln::rt {

class Transform;

// A vectorized plate of the model, as the guide must enter it again.
struct GuidePlate {
  std::string name;
  int64_t size = 0;            // full size
  int64_t subsample_size = 0;  // == size unless the model subsamples
  bool subsampled() const { return subsample_size != size; }
};

// One enclosing plate of a site: which plate and the batch dim it owns there.
struct SitePlate {
  std::string name;
  int64_t dim = -1;  // negative, counted from the right of the batch dims
};

struct LatentSite {
  std::string name;
  size_t trace_index = 0;  // the site's position in Prototype::trace
  Value support;           // the model distribution's support (a constraint)
  Value transform;         // biject_to(support): reals -> support
  int64_t event_dim = 0;   // event dims of the constrained value
  // Event dims of the unconstrained value: event_dim plus what the
  // transform changes (stick-breaking keeps it; corr-Cholesky's vector
  // side has one dim fewer than its matrix side).
  int64_t unconstrained_event_dim = 0;
  std::vector<int64_t> value_shape;          // as drawn in the prototype run
  std::vector<int64_t> full_shape;           // with every plate at its full size
  std::vector<int64_t> unconstrained_shape;  // transform.inverse_shape(full_shape)
  std::vector<SitePlate> plates;             // vectorized plates, outermost first
  c10::ScalarType dtype = c10::ScalarType::Float;

  const Transform& bijection() const;
  int64_t unconstrained_numel() const;
  // The support is the reals (possibly with event dims): the transform is
  // the identity.
  bool is_real() const;
};

struct Prototype {
  Value trace;  // the Trace of the prototype run
  std::vector<LatentSite> sites;
  std::vector<GuidePlate> plates;  // every plate a latent site sits in

  // The plate named `name` (an InternalError if it is not one of plates).
  const GuidePlate& plate(const std::string& name) const;
  // The prototype trace's message for `site`.
  const Message& message(const LatentSite& site) const;
};

// Runs block(trace(model))(*args) once and reads off the latent sites.
// `guide` ("AutoNormal") words the errors.
Prototype build_prototype(const Value& model, const CallArgs& args, const std::string& guide);

// The indices of this guide call's subsample, per subsampled plate name.
using SubsampleIndices = std::unordered_map<std::string, at::Tensor>;

// `t` (a full-size value of `site` with `event_dims` trailing event dims)
// restricted to the subsample of each subsampled plate the site sits in:
// index_select along the plate's dim with this call's indices.
at::Tensor select_subsample(at::Tensor t, const LatentSite& site, int64_t event_dims,
                            const SubsampleIndices& indices);

}  // namespace kiln::rt
