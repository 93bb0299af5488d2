// TraceGraph_ELBO: Trace_ELBO with lower-variance score-function terms
// (Pyro's TraceGraph_ELBO). For each guide site z drawn without rsample,
// the learning signal is only the cost downstream of z -- the model's log p
// of z and of every model site after it, minus the guide's log q of z and
// of every guide site after it -- kept separate along the plates z sits in
// (an element of a plate only sees the costs of its own element), minus a
// baseline. Baselines come from the guide site's infer dict, as in Pyro:
//   infer={"baseline": {"use_decaying_avg_baseline": True, "baseline_beta": 0.9}}
//   infer={"baseline": {"nn_baseline": f, "nn_baseline_input": x}}   # f(x) ~ cost, trained jointly
//   infer={"baseline": {"baseline_value": b}}                        # b trained jointly
// f may be any callable whose result depends on params (an nn module once
// Kiln has them); (cost - baseline)^2 is added to the loss so SVI fits it.
#pragma once

#include <string>
#include <unordered_map>

#include "inference/elbo.h"

namespace kiln::rt {

class TraceGraphElbo final : public Elbo {
 public:
  explicit TraceGraphElbo(ElboOptions options) : Elbo("TraceGraph_ELBO", options) {}

 protected:
  ParticleTerms particle_terms(const ParticleTraces& traces) override;

 private:
  // The cost downstream of guide site `g` (position `guide_index`), reduced
  // to broadcast against g's log_prob.
  at::Tensor downstream_cost(const ParticleTraces& traces, size_t guide_index) const;
  // Decaying-average baselines by site name.
  std::unordered_map<std::string, at::Tensor> averages_;
};

}  // namespace kiln::rt
