// The autoguides over one packed vector (Pyro's AutoContinuous family): all
// latent sites, mapped to unconstrained space and flattened, form one vector
// of size D = latent_dim, which the guide draws as a whole -- so these
// guides can capture correlations between sites.
//
//   AutoDiagonalNormal(model)                       Normal(loc, scale).to_event(1)
//   AutoMultivariateNormal(model)                   MultivariateNormal(loc, scale_tril=L)
//   AutoLowRankMultivariateNormal(model, rank=None) LowRankMultivariateNormal(loc, W, d)
//   AutoLaplaceApproximation(model)                 Delta(loc): a MAP, then .laplace_approximation()
//
// A call samples the auxiliary site "_<Guide>_latent" (infer={"is_auxiliary":
// True}) from get_posterior(), cuts the draw into the sites' unconstrained
// values u, and samples each latent site z from
//     Delta(T(u), log_density=-log|det J_T(u)|, event_dim=...)
// inside the site's plates, with T = biject_to(support). The guide trace's
// log q is then log q(u) - log|det J_T(u)| summed over the sites: the
// density of the constrained values, as Trace_ELBO needs. Params are named
// "<Guide>.loc", ".scale", ".scale_tril", ".cov_factor", ".cov_diag"; the
// init_loc_fn (default init_to_median) gives the starting loc and
// init_scale (default 0.1) the starting spread.
//
// Subsampled plates are not supported (the vector would need one entry per
// data point, drawn jointly): use AutoNormal or AutoDelta for those models.
#pragma once

#include <utility>

#include "inference/autoguide/autoguide.h"

namespace kiln::rt {

class AutoContinuous : public AutoGuide {
 public:
  static constexpr double kDefaultInitScale = 0.1;

  // Raises KilnError unless init_scale > 0.
  AutoContinuous(std::string name, Value model, Value init_loc_fn, double init_scale);

  // The distribution of the packed latent vector (needs the prototype).
  virtual Value get_posterior() = 0;
  int64_t latent_dim() const { return latent_dim_; }

  // Object: attributes .latent_dim, .init_scale; method .get_posterior(*args).
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  void setup() override;
  Value sample_sites() override;
  std::vector<at::Tensor> site_medians() override;
  std::vector<at::Tensor> site_quantiles(const at::Tensor& qs) override;

  // Per-coordinate standard deviations of get_posterior(), for quantiles.
  virtual at::Tensor marginal_scale() = 0;
  // Called at the end of setup (latent_dim known).
  virtual void setup_params() {}

  // The loc param (size D), starting at the packed init_loc_fn values.
  at::Tensor loc() const;
  const at::Tensor& init_loc() const { return init_loc_; }
  double init_scale() const { return init_scale_; }
  std::string latent_site_name() const { return "_" + name() + "_latent"; }

  // Cuts latent (shape lead + (D,)) into each site's unconstrained value of
  // shape lead + unconstrained_shape. With `align_batch`, lead dims are a
  // draw's batch dims (an outer particle plate): they are aligned from the
  // right with the sites' batch dims, size-1 dims merging into them.
  std::vector<at::Tensor> unpack(const at::Tensor& latent, bool align_batch) const;

 private:
  double init_scale_;
  int64_t latent_dim_ = 0;
  at::Tensor init_loc_;
};

class AutoDiagonalNormal final : public AutoContinuous {
 public:
  AutoDiagonalNormal(Value model, Value init_loc_fn, double init_scale);
  Value get_posterior() override;

 protected:
  at::Tensor marginal_scale() override;
};

class AutoMultivariateNormal final : public AutoContinuous {
 public:
  AutoMultivariateNormal(Value model, Value init_loc_fn, double init_scale);
  Value get_posterior() override;
  // A guide with the prototype of `other` and these params set in the
  // param store (AutoLaplaceApproximation.laplace_approximation).
  static Value from_gaussian(const AutoGuide& other, const at::Tensor& loc,
                             const at::Tensor& scale_tril);

 protected:
  at::Tensor marginal_scale() override;

 private:
  at::Tensor scale_tril();  // the param, starting at init_scale * I
};

class AutoLowRankMultivariateNormal final : public AutoContinuous {
 public:
  // rank < 1: ceil(sqrt(latent_dim)), fixed when the prototype is built.
  AutoLowRankMultivariateNormal(Value model, Value init_loc_fn, double init_scale, int64_t rank);
  Value get_posterior() override;
  Value get_attr(std::string_view attr) const override;  // adds .rank

 protected:
  at::Tensor marginal_scale() override;
  void setup_params() override;

 private:
  // The params (cov_factor, cov_diag).
  std::pair<at::Tensor, at::Tensor> factors();

  int64_t rank_;
  at::Tensor init_cov_factor_;  // drawn once, so every call starts from the same point
};

class AutoLaplaceApproximation final : public AutoContinuous {
 public:
  AutoLaplaceApproximation(Value model, Value init_loc_fn);
  Value get_posterior() override;

  // The Laplace approximation at the current loc (fit it first as a MAP
  // with SVI): an AutoMultivariateNormal with loc = the MAP and scale_tril
  // the Cholesky factor of H^-1, H the Hessian of the negative log joint
  // density in unconstrained space (log|det J| included) at the MAP.
  // Raises KilnError if H is not positive definite (not at a maximum).
  Value laplace_approximation(const CallArgs& args);

  // Method .laplace_approximation(*args) besides the base's.
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  at::Tensor marginal_scale() override;
};

}  // namespace kiln::rt
