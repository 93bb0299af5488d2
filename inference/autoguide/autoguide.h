// The base of Kiln's autoguides (Pyro's pyro.infer.autoguide.AutoGuide): a
// guide built automatically from a model. An autoguide is a kNative object
// called like a guide function, with the model's arguments:
//
//   guide = AutoNormal(model)
//   svi = SVI(model, guide, Adam({"lr": 0.01}), Trace_ELBO())
//   svi.step(data)
//   guide(data)              # {site name: constrained draw} for every latent site
//   guide.median(data)       # {site name: posterior median}
//   guide.quantiles([0.05, 0.5, 0.95], data)
//
// The first call runs the model once (prototype.h) to find the latent sites.
// Every call then draws each latent site of the model through sample sites
// of the same names, inside plates mirroring the model's (same name, size,
// dim, and one subsample per call for subsampled plates), and every
// learnable tensor is a param site named "<Guide>.<...>" (AutoNormal.locs.z),
// so SVI finds and updates them in the param store as Pyro users expect.
//
// Subclasses (one file each) say which params and sites a call makes:
// auto_normal.h, auto_delta.h, auto_continuous.h. Errors are KilnErrors
// naming the guide and the site. An autoguide object is used by one thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

#include "inference/autoguide/prototype.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

class AutoGuide : public Object {
 public:
  // `init_loc_fn` is a value returned by check_init_loc_fn (init_strategies.h).
  AutoGuide(std::string name, Value model, Value init_loc_fn);

  const std::string& name() const { return name_; }
  const Value& model() const { return model_; }
  const Value& init_loc_fn() const { return init_loc_fn_; }

  // Builds the prototype with `args` unless it exists.
  const Prototype& prototype(const CallArgs& args);
  bool has_prototype() const { return prototype_.has_value(); }

  // guide(*args, **kwargs): draws every latent site; a dict name -> value.
  Value call(const CallArgs& args) override;
  // Posterior medians (constrained, full plate sizes): a dict name -> tensor.
  Value median(const CallArgs& args);
  // Quantiles `qs` (each in (0, 1)) of each site's marginal posterior: a
  // dict name -> tensor of shape (len(qs),) + the site's shape. Raises
  // KilnError for guides without them and for sites whose support is not
  // reached by a monotone elementwise transform (simplex, Cholesky factors).
  Value quantiles(const std::vector<double>& qs, const CallArgs& args);

  // Object: type "AutoNormal"; attributes .model, .prototype_trace (None
  // before the first call), .init_loc_fn and the methods .median(*args),
  // .quantiles(qs, *args).
  std::string type_name() const override { return name_; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  // After the prototype is built: check the sites and compute starting points.
  virtual void setup() {}
  // One call's sample sites, returning the dict of constrained values.
  virtual Value sample_sites() = 0;
  // Per latent site, in prototype order.
  virtual std::vector<at::Tensor> site_medians() = 0;
  // Per latent site: (len(qs),) + full shape. The default raises.
  virtual std::vector<at::Tensor> site_quantiles(const at::Tensor& qs);

  // For subclasses -------------------------------------------------------
  const Prototype& built() const;
  // The initial constrained value of latent site i at full size (plates
  // subsampled in the model repeated periodically), from init_loc_fn.
  const at::Tensor& init_value(size_t i) const { return init_values_.at(i); }
  std::string param_name(const std::string& suffix) const { return name_ + "." + suffix; }
  // A param site (so SVI sees it): the constrained tensor. Raises KilnError
  // if the store already holds `name` with a shape other than init's (a
  // param left over from another model: clear_param_store()).
  at::Tensor param(const std::string& name, const at::Tensor& init, const Value& constraint = Value(),
                   int64_t event_dim = 0) const;
  // A sample site, marked infer={"is_auxiliary": True} if `auxiliary`.
  Value sample(const std::string& name, const Value& dist, bool auxiliary = false) const;
  // `t` restricted to this call's subsample (prototype.h).
  at::Tensor subsample(const at::Tensor& t, const LatentSite& site, int64_t event_dims) const {
    return select_subsample(t, site, event_dims, indices_);
  }
  // Enters the mirrored plates of a site for its lifetime.
  class SitePlates {
   public:
    SitePlates(const AutoGuide& guide, const LatentSite& site);
    ~SitePlates();
    SitePlates(const SitePlates&) = delete;
    SitePlates& operator=(const SitePlates&) = delete;

   private:
    size_t depth_;
  };
  // transform(icdf(q)) of Normal(loc, scale) per site: the quantiles of a
  // Gaussian in unconstrained space pushed through the site's bijection
  // (`loc`, `scale` unconstrained, full shape).
  at::Tensor gaussian_quantiles(const LatentSite& site, const at::Tensor& loc,
                                const at::Tensor& scale, const at::Tensor& qs) const;
  // Shares another guide's prototype and starting points (laplace_approximation).
  void adopt_prototype(const AutoGuide& other);

 private:
  void build(const CallArgs& args);
  void draw_subsample_indices();

  std::string name_;
  Value model_;
  Value init_loc_fn_;
  std::optional<Prototype> prototype_;
  std::vector<at::Tensor> init_values_;
  SubsampleIndices indices_;  // of the current call
};

// The autoguide held by v, or null.
AutoGuide* as_autoguide(const Value& v);

}  // namespace kiln::rt
