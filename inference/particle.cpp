#include "inference/particle.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/replay_messenger.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

bool infer_flag(const Message& site, const char* key) {
  if (!site.infer.is(ObjKind::kDict)) return false;
  const Value* v = site.infer.as<DictObject>()->find(make_str(key));
  return v != nullptr && truthy(*v);
}

std::vector<int64_t> value_shape(const Message& site) {
  if (site.value && is_tensor(*site.value)) return tensor_of(*site.value).sizes().vec();
  return {};
}

// The value's shape fits the distribution's when broadcasting the two gives
// the value's shape: the value may carry extra leading (particle) dims and
// the distribution size-1 dims.
bool shape_fits(const std::vector<int64_t>& value, const Distribution& d) {
  std::vector<int64_t> dist = d.batch_shape();
  dist.insert(dist.end(), d.event_shape().begin(), d.event_shape().end());
  if (dist.size() > value.size()) {
    for (size_t i = 0; i < dist.size() - value.size(); ++i)
      if (dist[i] != 1) return false;
  }
  for (size_t i = 1; i <= std::min(dist.size(), value.size()); ++i) {
    const int64_t have = value[value.size() - i], want = dist[dist.size() - i];
    if (want != have && want != 1) return false;
  }
  return true;
}

}  // namespace

bool is_auxiliary(const Message& site) { return infer_flag(site, "is_auxiliary"); }

bool is_reparameterized(const Message& guide_site) {
  const Distribution* d = as_distribution(guide_site.fn);
  return d != nullptr && d->has_rsample();
}

ParticleTraces run_particle(const Value& model, const Value& guide, const CallArgs& args,
                            const std::string& who) {
  TraceMessenger guide_tracer;
  {
    HandlerScope scope(guide_tracer);
    call_value(guide, args);
  }
  ReplayMessenger replay(guide_tracer.trace_value(), Value());
  TraceMessenger model_tracer;
  {
    HandlerScope outer(model_tracer);
    HandlerScope inner(replay);
    model_tracer.trace().return_value = call_value(model, args);
  }
  check_model_guide_match(model_tracer.trace(), guide_tracer.trace(), who);
  return {guide_tracer.trace_value(), model_tracer.trace_value()};
}

void check_model_guide_match(const Trace& model, const Trace& guide, const std::string& who) {
  for (const Message& m : model.sites()) {
    if (m.type != MessageType::kSample || m.is_observed) continue;
    const Message* g = guide.find(m.name);
    if (g == nullptr || g->type != MessageType::kSample)
      raise(who + ": the model's latent site '" + m.name + "' has no site in the guide",
            "add sample(\"" + m.name + "\", ...) to the guide, or condition the model on it");
  }
  for (const Message& g : guide.sites()) {
    if (g.type != MessageType::kSample) continue;
    const Message* m = model.find(g.name);
    if (m == nullptr || m->type != MessageType::kSample) {
      if (is_auxiliary(g)) continue;
      raise(who + ": the guide's site '" + g.name + "' does not appear in the model",
            "guide and model must sample the same latent sites; mark helper sites with "
            "infer={\"is_auxiliary\": True}");
    }
    if (m->is_observed)
      raise(who + ": site '" + g.name + "' is sampled by the guide but observed in the model",
            "the guide must only sample the model's latent sites");
    const Distribution* md = as_distribution(m->fn);
    const std::vector<int64_t> shape = value_shape(g);
    if (md != nullptr && g.value && is_tensor(*g.value) && !shape_fits(shape, *md)) {
      std::string event;
      if (!md->event_shape().empty()) event = " and event shape " + shape_to_string(md->event_shape());
      raise(who + ": site '" + g.name + "': the guide draws values of shape " +
                shape_to_string(shape) + " but the model's " + std::string(md->name()) +
                " has batch shape " + shape_to_string(md->batch_shape()) + event,
            "give the guide's distribution the model's shape (inside the same plates)");
    }
    if (md != nullptr && validation_enabled() && g.value) {
      const Value support = md->support();
      const Constraint* c = as_constraint(support);
      const at::Tensor v = to_tensor(*g.value, "site '" + g.name + "'");
      if (c != nullptr && !c->check(v.detach()).all().item<bool>())
        raise(who + ": site '" + g.name + "': the guide's " +
                  std::string(as_distribution(g.fn) ? as_distribution(g.fn)->name() : "value") +
                  " draws values outside the model's support (" + c->name() + ")",
              "give the guide a distribution with the same support, e.g. LogNormal or a "
              "positive-constrained scale for positive sites");
    }
  }
}

}  // namespace kiln::rt
