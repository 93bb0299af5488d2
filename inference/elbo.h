// Evidence lower bounds (Pyro's ELBO family): estimate
//   ELBO = E_q[log p(x, z) - log q(z)]
// from particles (particle.h) and build a surrogate whose gradient is an
// unbiased estimate of the ELBO's gradient -- pathwise through
// reparameterized guide sites, score-function terms for the others.
//
//   Trace_ELBO(num_particles=1, vectorize_particles=False)
//   TraceMeanField_ELBO(...)   analytic KL(q || p) where known
//   TraceGraph_ELBO(...)       score terms only for downstream costs, with baselines
//
// An Elbo is a .ppl value: SVI(model, guide, optim, Trace_ELBO()), and
// elbo.loss(model, guide, *args) / elbo.differentiable_loss(model, guide, *args).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

#include "inference/particle.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

struct ElboEstimate {
  at::Tensor loss;            // -ELBO averaged over particles, detached
  at::Tensor surrogate_loss;  // differentiable; its gradient estimates -grad ELBO
  ParticleTraces last;        // the last particle's traces (for diagnostics)
};

struct ElboOptions {
  int64_t num_particles = 1;
  // Draw all particles at once in an outer plate (dim left of every model
  // plate) instead of a loop; the model and guide must broadcast.
  bool vectorize_particles = false;
  // The number of plate dims the model uses; -1: found by one extra
  // (unvectorized) particle before the vectorized one.
  int64_t max_plate_nesting = -1;
};

class Elbo : public Object {
 public:
  Elbo(std::string name, ElboOptions options);

  // Runs options.num_particles particles of (model, guide) with `args`.
  // Raises KilnError on model/guide mismatches (naming the site).
  virtual ElboEstimate estimate(const Value& model, const Value& guide, const CallArgs& args);

  const std::string& name() const { return name_; }
  const ElboOptions& options() const { return options_; }

  // Object: attributes num_particles, vectorize_particles; methods
  // loss(model, guide, *args, **kwargs) -> float and
  // differentiable_loss(model, guide, *args, **kwargs) -> tensor.
  std::string type_name() const override { return name_; }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  // The ELBO of one particle and its surrogate (both 0-dim, differentiable).
  struct ParticleTerms {
    at::Tensor elbo;
    at::Tensor surrogate_elbo;
  };
  virtual ParticleTerms particle_terms(const ParticleTraces& traces) = 0;

  // Sums a site's log_prob to one value per particle: shape (N,) while
  // particles are vectorized, else 0-dim.
  at::Tensor per_particle_sum(const at::Tensor& log_prob) const;
  // Sum over a trace's sample sites (filtered), per particle.
  at::Tensor trace_log_prob(Trace& trace, bool (*keep)(const Message&) = nullptr) const;

 private:
  ElboEstimate estimate_vectorized(const Value& model, const Value& guide, const CallArgs& args);

  std::string name_;
  ElboOptions options_;
  int64_t particle_dim_ = 0;  // the vectorized particles' plate dim while estimating; 0 if none
  int64_t particles_ = 1;
};

// The Elbo held by v, or null.
Elbo* as_elbo(const Value& v);

}  // namespace kiln::rt
