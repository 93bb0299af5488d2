#include "inference/tracegraph_elbo.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

namespace {

bool is_latent(const Message& m) { return m.type == MessageType::kSample && !m.is_observed; }

bool shares_plate(const Message& g, const Message& h, int64_t dim) {
  for (const CondIndepFrame& f : g.cond_indep_stack) {
    if (!f.vectorized || f.dim != dim) continue;
    for (const CondIndepFrame& o : h.cond_indep_stack)
      if (o.vectorized && o.name == f.name) return true;
  }
  return false;
}

// h's log_prob summed over every dim that is not a plate dim shared with g.
at::Tensor reduce_to(const at::Tensor& t, const Message& g, const Message& h) {
  at::Tensor out = t;
  for (int64_t i = 0; i < t.dim(); ++i) {
    const int64_t dim = i - t.dim();
    if (!shares_plate(g, h, dim)) out = out.sum(i, /*keepdim=*/true);
  }
  return out;
}

// The site's {"baseline": {...}} options, or null.
const DictObject* baseline_options(const Message& g) {
  if (!g.infer.is(ObjKind::kDict)) return nullptr;
  const Value* b = g.infer.as<DictObject>()->find(make_str("baseline"));
  if (b == nullptr || b->is_none()) return nullptr;
  if (!b->is(ObjKind::kDict))
    raise("TraceGraph_ELBO: site '" + g.name + "': infer[\"baseline\"] must be a dict, got " +
          type_name(*b));
  return b->as<DictObject>();
}

const Value* option(const DictObject* d, const char* key) {
  const Value* v = d->find(make_str(key));
  return v != nullptr && !v->is_none() ? v : nullptr;
}

}  // namespace

at::Tensor TraceGraphElbo::downstream_cost(const ParticleTraces& traces, size_t guide_index) const {
  const Trace& guide = traces.guide();
  const Trace& model = traces.model();
  const Message& g = guide.sites()[guide_index];
  at::Tensor cost;
  auto add = [&](const at::Tensor& t) { cost = cost.defined() ? cost + t : t; };
  bool downstream = false;
  for (const Message& m : model.sites()) {
    downstream = downstream || m.name == g.name;
    if (downstream && m.type == MessageType::kSample) add(reduce_to(m.log_prob, g, m));
  }
  for (size_t i = guide_index; i < guide.sites().size(); ++i) {
    const Message& h = guide.sites()[i];
    if (h.type == MessageType::kSample) add(-reduce_to(h.log_prob, g, h));
  }
  return cost;
}

Elbo::ParticleTerms TraceGraphElbo::particle_terms(const ParticleTraces& traces) {
  const at::Tensor elbo = trace_log_prob(traces.model()) - trace_log_prob(traces.guide());
  at::Tensor surrogate = elbo;
  at::Tensor baseline_loss;
  Trace& guide = traces.guide();
  for (size_t i = 0; i < guide.sites().size(); ++i) {
    const Message& g = guide.sites()[i];
    if (!is_latent(g) || is_reparameterized(g)) continue;
    const at::Tensor cost = downstream_cost(traces, i).detach();
    at::Tensor baseline = at::zeros({}, cost.options());
    if (const DictObject* opts = baseline_options(g)) {
      const std::string who = "TraceGraph_ELBO: site '" + g.name + "' baseline";
      if (const Value* avg = option(opts, "use_decaying_avg_baseline"); avg && truthy(*avg)) {
        double beta = 0.9;
        if (const Value* b = option(opts, "baseline_beta")) beta = float_arg(*b, who, "baseline_beta");
        if (!(beta >= 0 && beta < 1)) raise(who + ": baseline_beta must be in [0, 1), got " + to_repr(Value(beta)));
        auto it = averages_.find(g.name);
        const at::Tensor updated = it == averages_.end() || !it->second.sizes().equals(cost.sizes())
                                       ? cost
                                       : beta * it->second + (1 - beta) * cost;
        averages_[g.name] = updated;
        baseline = baseline + updated;
      }
      at::Tensor learned;
      if (const Value* net = option(opts, "nn_baseline")) {
        const Value* input = option(opts, "nn_baseline_input");
        if (input == nullptr) raise(who + ": nn_baseline needs nn_baseline_input");
        const ArgList args{*input};
        learned = to_tensor(call_value(*net, args.view("nn_baseline")), who);
      } else if (const Value* value = option(opts, "baseline_value")) {
        learned = to_tensor(*value, who);
      }
      if (learned.defined()) {
        const at::Tensor loss = (cost - learned).pow(2);
        const at::Tensor s = per_particle_sum(loss);
        baseline_loss = baseline_loss.defined() ? baseline_loss + s : s;
        baseline = baseline + learned.detach();
      }
    }
    surrogate = surrogate + per_particle_sum(g.log_prob * (cost - baseline));
  }
  if (baseline_loss.defined()) surrogate = surrogate - baseline_loss;
  return {elbo, surrogate};
}

}  // namespace kiln::rt
