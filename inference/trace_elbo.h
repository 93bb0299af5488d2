// Trace_ELBO: the ELBO of whole traces (Pyro's Trace_ELBO):
//   elbo = sum of log p over the model's sites - sum of log q over the guide's
// The surrogate adds, for every guide site z drawn without rsample, the
// score-function term log q(z) * elbo.detach(), so its gradient is unbiased
// for discrete and other non-reparameterizable guide sites too.
// TraceMeanField_ELBO replaces log p(z) - log q(z) of each latent site by
// -KL(q || p) where the pair has an analytic KL (kl_divergence.h), and is
// Trace_ELBO elsewhere; it assumes the mean-field structure Pyro assumes
// (the model's distribution at z does not depend on other latents drawn in
// the same particle in a way the guide ignores).
#pragma once

#include "inference/elbo.h"

namespace kiln::rt {

class TraceElbo final : public Elbo {
 public:
  explicit TraceElbo(ElboOptions options) : Elbo("Trace_ELBO", options) {}

 protected:
  ParticleTerms particle_terms(const ParticleTraces& traces) override;
};

class TraceMeanFieldElbo final : public Elbo {
 public:
  explicit TraceMeanFieldElbo(ElboOptions options) : Elbo("TraceMeanField_ELBO", options) {}

 protected:
  ParticleTerms particle_terms(const ParticleTraces& traces) override;
};

}  // namespace kiln::rt
