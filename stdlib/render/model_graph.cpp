#include "stdlib/render/model_graph.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <unordered_map>

#include "runtime/error_context.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/provenance_messenger.h"
#include "runtime/handlers/trace.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/independent.h"
#include "stdlib/distributions/masked.h"

namespace kiln::rt {

namespace {

bool is_deterministic(const Message& msg) {
  if (!msg.infer.is(ObjKind::kDict)) return false;
  const Value* flag = msg.infer.as<DictObject>()->find(make_str("_deterministic"));
  return flag != nullptr && truthy(*flag);
}

// What the user wrote: Normal for Normal(...).to_event(1) or .mask(m).
std::string distribution_name(const Distribution& d) {
  if (const auto* independent = dynamic_cast<const Independent*>(&d))
    return distribution_name(independent->base());
  if (const auto* masked = dynamic_cast<const MaskedDistribution*>(&d))
    return distribution_name(masked->base());
  return std::string(d.name());
}

// The stored constraint wins over the site's (param_store.h); a param whose
// value a handler supplied may not be in the store at all.
std::string param_constraint_name(const Message& msg) {
  ParamStore& store = ParamStore::global();
  Value constraint = store.contains(msg.name) ? store.constraint(msg.name) : msg.param_constraint;
  const Constraint* c = as_constraint(constraint);
  return c != nullptr ? c->name() : "real";
}

// The tensors a sample site's distribution was built from: its parameters,
// and its log density at the (detached) value, whose graph reaches every
// tensor the distribution uses, including those of wrapped bases and
// transforms. A Delta's log density is not differentiable in its point, so
// the parameters are needed too.
std::vector<at::Tensor> dependency_roots(const Message& msg) {
  const Distribution* d = as_distribution(msg.fn);
  KILN_ASSERT(d != nullptr && msg.value.has_value(),
              "render: sample site '" + msg.name + "' without a distribution or value");
  std::vector<at::Tensor> roots;
  for (const auto& [name, tensor] : d->params()) roots.push_back(tensor);
  with_lazy_error_context([&] { return "sample site '" + msg.name + "'"; }, [&] {
    const at::Tensor value = to_tensor(*msg.value, "sample site '" + msg.name + "' value").detach();
    roots.push_back(d->log_prob(value));
  });
  return roots;
}

ModelSite describe_site(const Message& msg, const ProvenanceMessenger& provenance) {
  ModelSite site;
  site.name = msg.name;
  for (const CondIndepFrame& frame : msg.cond_indep_stack) site.plates.push_back(frame.name);
  if (msg.type == MessageType::kParam) {
    site.kind = ModelSite::Kind::kParam;
    site.constraint = param_constraint_name(msg);
    return site;
  }
  site.kind = is_deterministic(msg) ? ModelSite::Kind::kDeterministic
              : msg.is_observed     ? ModelSite::Kind::kObserved
                                    : ModelSite::Kind::kLatent;
  site.distribution = distribution_name(*as_distribution(msg.fn));
  site.parents = provenance.sources(dependency_roots(msg));
  return site;
}

// Records the plates of `msg` not seen before, each nested in the plate
// enclosing it here. A plate met later inside a different parent keeps its
// first parent: graphviz clusters form a tree.
void add_plates(ModelGraph& graph, const Message& msg) {
  std::string parent;
  for (const CondIndepFrame& frame : msg.cond_indep_stack) {
    auto known = std::find_if(graph.plates.begin(), graph.plates.end(),
                              [&](const ModelPlate& p) { return p.name == frame.name; });
    if (known == graph.plates.end()) {
      graph.plates.push_back({frame.name, frame.vectorized ? frame.size : -1, parent});
    } else if (known->size < 0 && frame.vectorized) {
      known->size = frame.size;
    }
    parent = frame.name;
  }
}

// Parents in site order, without the site itself (a site whose value feeds
// its own distribution cannot happen, but a replayed value might alias one).
void order_parents(ModelGraph& graph) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < graph.sites.size(); ++i) position.emplace(graph.sites[i].name, i);
  for (ModelSite& site : graph.sites) {
    std::vector<std::string>& parents = site.parents;
    parents.erase(std::remove_if(parents.begin(), parents.end(),
                                 [&](const std::string& p) { return p == site.name || !position.count(p); }),
                  parents.end());
    std::sort(parents.begin(), parents.end(),
              [&](const std::string& a, const std::string& b) { return position[a] < position[b]; });
  }
}

}  // namespace

ModelGraph inspect_model(const Value& model, const CallArgs& args) {
  at::AutoGradMode grad_on(true);
  TraceMessenger trace;
  ProvenanceMessenger provenance;
  {
    // The trace is outermost, so it records each site before provenance
    // replaces its value: sites keep the values the model's run produced.
    HandlerScope tracing(trace);
    HandlerScope tracking(provenance);
    call_value(model, args);
  }
  ModelGraph graph;
  for (const Message& msg : trace.trace().sites()) {
    if (msg.type == MessageType::kSubsample) continue;
    graph.sites.push_back(describe_site(msg, provenance));
    add_plates(graph, msg);
  }
  order_parents(graph);
  return graph;
}

}  // namespace kiln::rt
