#include "inference/autoguide/prototype.h"

#include <ATen/ATen.h>

#include <map>

#include "inference/particle.h"
#include "runtime/errors.h"
#include "runtime/handlers/block_messenger.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/plate_messenger.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

// A site's frames only carry the subsample size; the full size lives in the
// PlateMessenger. This messenger sits just outside the model and, for every
// sample site, reads the sizes of the model's plates off the handler stack.
class PlateRecorder final : public Messenger {
 public:
  explicit PlateRecorder(std::string guide) : guide_(std::move(guide)) {}

  void enter() override { own_index_ = handler_stack_depth(); }

  void process(Message& msg) override {
    if (msg.type != MessageType::kSample) return;
    // Only the plates the model entered (inside this messenger): outer
    // plates (an ELBO's particle plate) are not the model's.
    for (size_t i = own_index_ + 1; i < handler_stack_depth(); ++i) {
      const auto* p = dynamic_cast<const PlateMessenger*>(&handler_stack_at(i));
      if (p == nullptr || !p->vectorized()) continue;
      const auto [it, added] =
          plates_.try_emplace(p->name(), GuidePlate{p->name(), p->size(), p->subsample_size()});
      if (!added && (it->second.size != p->size() || it->second.subsample_size != p->subsample_size()))
        raise(guide_ + ": plate '" + p->name() + "' has size " + std::to_string(it->second.size) +
                  " at one site and " + std::to_string(p->size()) + " at site '" + msg.name + "'",
              "an autoguide needs one size (and subsample size) per plate name");
    }
  }

  const std::map<std::string, GuidePlate>& plates() const { return plates_; }

 private:
  std::string guide_;
  size_t own_index_ = 0;
  std::map<std::string, GuidePlate> plates_;
};

bool is_latent(const Message& m) {
  return m.type == MessageType::kSample && !m.is_observed && !is_auxiliary(m);
}

LatentSite read_site(const Message& m, size_t index, const std::map<std::string, GuidePlate>& plates,
                     const std::string& guide) {
  const Distribution* d = as_distribution(m.fn);
  KILN_ASSERT(d != nullptr, "autoguide prototype: site '" + m.name + "' without a distribution");
  if (d->is_discrete())
    raise(guide + " cannot guide the discrete site '" + m.name + "'; " + std::string(d->name()) +
              " has support " + as_constraint(d->support())->name() +
              ", which has no bijection to the reals",
          "autoguides cover continuous latent sites; write a guide by hand that samples '" +
              m.name + "' (e.g. from a Categorical with learnable probs), or condition the "
              "model on it");
  LatentSite s;
  s.name = m.name;
  s.trace_index = index;
  s.support = d->support();
  s.transform = biject_to(s.support);
  s.event_dim = static_cast<int64_t>(d->event_shape().size());
  const Transform& t = s.bijection();
  s.unconstrained_event_dim = s.event_dim + t.domain_event_dim() - t.codomain_event_dim();
  const at::Tensor value = to_tensor(*m.value, "site '" + m.name + "' value");
  s.value_shape = value.sizes().vec();
  s.dtype = at::isFloatingType(value.scalar_type()) ? value.scalar_type() : d->dtype();
  s.full_shape = s.value_shape;
  for (const CondIndepFrame& f : m.cond_indep_stack) {
    if (!f.vectorized) continue;
    s.plates.push_back(SitePlate{f.name, f.dim});
    const auto it = plates.find(f.name);
    KILN_ASSERT(it != plates.end(), "autoguide prototype: plate '" + f.name + "' was not recorded");
    const int64_t pos = static_cast<int64_t>(s.full_shape.size()) - s.event_dim + f.dim;
    KILN_ASSERT(pos >= 0, "autoguide prototype: site '" + m.name + "' lacks the dim of plate '" +
                              f.name + "'");
    s.full_shape[pos] = it->second.size;
  }
  s.unconstrained_shape = t.inverse_shape(s.full_shape);
  return s;
}

}  // namespace

const Transform& LatentSite::bijection() const {
  const Transform* t = as_transform(transform);
  KILN_ASSERT(t != nullptr, "LatentSite: transform is not a Transform");
  return *t;
}

int64_t LatentSite::unconstrained_numel() const {
  int64_t n = 1;
  for (int64_t d : unconstrained_shape) n *= d;
  return n;
}

bool LatentSite::is_real() const {
  const Constraint* c = as_constraint(support);
  while (c != nullptr && c->kind() == ConstraintKind::kIndependent) c = &c->base();
  return c != nullptr && c->kind() == ConstraintKind::kReal;
}

const GuidePlate& Prototype::plate(const std::string& name) const {
  for (const GuidePlate& p : plates)
    if (p.name == name) return p;
  throw InternalError("autoguide prototype: no plate '" + name + "'");
}

const Message& Prototype::message(const LatentSite& site) const {
  return as_trace(trace)->sites().at(site.trace_index);
}

Prototype build_prototype(const Value& model, const CallArgs& args, const std::string& guide) {
  BlockOptions hide_everything;  // the default hides every site
  BlockMessenger block(hide_everything);
  TraceMessenger tracer;
  PlateRecorder recorder(guide);
  {
    HandlerScope outer(block);
    HandlerScope middle(tracer);
    HandlerScope inner(recorder);
    tracer.trace().return_value = call_value(model, args);
  }
  Prototype p;
  p.trace = tracer.trace_value();
  const std::vector<Message>& sites = tracer.trace().sites();
  for (size_t i = 0; i < sites.size(); ++i) {
    if (!is_latent(sites[i])) continue;
    p.sites.push_back(read_site(sites[i], i, recorder.plates(), guide));
    for (const SitePlate& sp : p.sites.back().plates) {
      bool known = false;
      for (const GuidePlate& g : p.plates) known = known || g.name == sp.name;
      if (!known) p.plates.push_back(recorder.plates().at(sp.name));
    }
  }
  return p;
}

at::Tensor select_subsample(at::Tensor t, const LatentSite& site, int64_t event_dims,
                            const SubsampleIndices& indices) {
  for (const SitePlate& p : site.plates) {
    const auto it = indices.find(p.name);
    if (it == indices.end()) continue;
    t = t.index_select(t.dim() - event_dims + p.dim, it->second);
  }
  return t;
}

}  // namespace kiln::rt
