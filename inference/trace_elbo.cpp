#include "inference/trace_elbo.h"

#include <ATen/ATen.h>

#include "runtime/handlers/trace.h"
#include "runtime/tensor_value.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/kl_divergence.h"

namespace kiln::rt {

namespace {

bool is_latent(const Message& m) { return m.type == MessageType::kSample && !m.is_observed; }
bool is_observed_site(const Message& m) { return m.type == MessageType::kSample && m.is_observed; }

// A KL term scaled and masked like the site's log_prob would be.
at::Tensor scaled_kl(const Message& model_site, const at::Tensor& kl) {
  at::Tensor out = kl;
  if (!model_site.mask.is_none()) {
    const at::Tensor m = model_site.mask.is_bool()
                             ? at::scalar_tensor(model_site.mask.as_bool(), at::kBool)
                             : tensor_of(model_site.mask);
    out = at::where(m, out, at::zeros({}, out.options()));
  }
  return scale_site_term(model_site, out);
}

}  // namespace

Elbo::ParticleTerms TraceElbo::particle_terms(const ParticleTraces& traces) {
  const at::Tensor elbo = trace_log_prob(traces.model()) - trace_log_prob(traces.guide());
  at::Tensor score;
  for (Message& g : traces.guide().sites()) {
    if (!is_latent(g) || is_reparameterized(g)) continue;
    const at::Tensor s = per_particle_sum(g.log_prob);
    score = score.defined() ? score + s : s;
  }
  if (!score.defined()) return {elbo, elbo};
  return {elbo, elbo + score * elbo.detach()};
}

Elbo::ParticleTerms TraceMeanFieldElbo::particle_terms(const ParticleTraces& traces) {
  Trace& model = traces.model();
  Trace& guide = traces.guide();
  at::Tensor elbo = trace_log_prob(model, is_observed_site);
  at::Tensor score;
  auto add = [](at::Tensor& total, const at::Tensor& t) { total = total.defined() ? total + t : t; };
  for (Message& g : guide.sites()) {
    if (!is_latent(g)) continue;
    Message* m = model.find(g.name);
    const Distribution* q = as_distribution(g.fn);
    const Distribution* p = m ? as_distribution(m->fn) : nullptr;
    if (m != nullptr && q != nullptr && p != nullptr && has_analytic_kl(*q, *p) &&
        q->batch_shape() == p->batch_shape()) {
      add(elbo, -per_particle_sum(scaled_kl(*m, kl_divergence(*q, *p))));
      continue;
    }
    compute_site_log_prob(g);
    if (m != nullptr) {
      compute_site_log_prob(*m);
      add(elbo, per_particle_sum(m->log_prob));
    }
    add(elbo, -per_particle_sum(g.log_prob));
    if (!is_reparameterized(g)) add(score, per_particle_sum(g.log_prob));
  }
  if (!score.defined()) return {elbo, elbo};
  return {elbo, elbo + score * elbo.detach()};
}

}  // namespace kiln::rt
