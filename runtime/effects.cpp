// The effect instructions on top of the handler stack: each builds a Message,
// sends it through apply_stack and returns what the handlers and the default
// behaviour made of it.
#include "runtime/effects.h"

#include <ATen/ATen.h>

#include "runtime/error_context.h"
#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/plate_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/delta.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/distributions/unit.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

std::string site_name(const Value& name, std::string_view kind) {
  if (!is_str(name)) raise(std::string(kind) + " site name must be a str, got " + type_name(name));
  return str_of(name);
}

std::string site_label(std::string_view kind, const std::string& name) {
  return std::string(kind) + " site '" + name + "'";
}

void check_keywords(const CallArgs& kwargs, std::string_view allowed, const std::string& label) {
  for (size_t i = 0; i < kwargs.nkw; ++i) {
    const std::string& k = kwargs.kw_names[i];
    bool ok = false;
    for (size_t start = 0; start <= allowed.size();) {
      const size_t comma = std::min(allowed.find(',', start), allowed.size());
      ok = ok || allowed.substr(start, comma - start) == k;
      start = comma + 1;
    }
    if (!ok) raise(label + ": unexpected keyword argument '" + k + "'");
  }
}

Message sample_message(const std::string& name, const Value& dist) {
  if (as_distribution(dist) == nullptr)
    raise(site_label("sample", name) + ": expected a distribution, got " + type_name(dist),
          "for example sample(\"" + name + "\", Normal(0.0, 1.0))");
  Message msg;
  msg.type = MessageType::kSample;
  msg.name = name;
  msg.fn = dist;
  return msg;
}

// Runs apply_stack; errors (and LibTorch's) name the site. With validation
// on, an observed value is checked against the final distribution (after
// plates broadcast it), so a wrong shape or a value outside the support is
// reported at the site's line rather than later by an inference engine.
void send(Message& msg, std::string_view kind) {
  with_lazy_error_context(
      [&] { return site_label(kind, msg.name); },
      [&] {
        apply_stack(msg);
        if (!msg.is_observed || !validation_enabled() || !msg.value) return;
        if (const Distribution* d = as_distribution(msg.fn))
          d->check_value(to_tensor(*msg.value, "observed value"), d->name());
      },
      msg.name);
}

std::optional<int64_t> optional_int_kw(const CallArgs& kwargs, std::string_view name,
                                       const std::string& label) {
  const Value* v = kwargs.kw(name);
  if (v == nullptr || v->is_none()) return std::nullopt;
  return int_arg(*v, label, name);
}

}  // namespace

Value effect_sample(const Value& name, const Value& dist, const Value* obs,
                    const CallArgs& kwargs) {
  const std::string n = site_name(name, "sample");
  check_keywords(kwargs, "infer", site_label("sample", n));
  Message msg = sample_message(n, dist);
  if (obs != nullptr && !obs->is_none()) {
    msg.value = *obs;
    msg.is_observed = true;
  }
  if (const Value* infer = kwargs.kw("infer")) {
    if (!infer->is_none() && !infer->is(ObjKind::kDict))
      raise(site_label("sample", n) + ": infer= must be a dict, got " + type_name(*infer));
    msg.infer = *infer;
  }
  send(msg, "sample");
  return *msg.value;
}

Value effect_observe(const Value& name, const Value& dist, const Value& value) {
  const std::string n = site_name(name, "observe");
  Message msg = sample_message(n, dist);
  msg.value = value;
  msg.is_observed = true;
  send(msg, "observe");
  return *msg.value;
}

Value effect_param(const Value& name, const Value* init, const CallArgs& kwargs) {
  const std::string n = site_name(name, "param");
  const std::string label = site_label("param", n);
  check_keywords(kwargs, "constraint,event_dim", label);
  Message msg;
  msg.type = MessageType::kParam;
  msg.name = n;
  if (init != nullptr) msg.param_init = *init;
  if (const Value* c = kwargs.kw("constraint"); c != nullptr && !c->is_none()) {
    const Constraint* constraint = as_constraint(*c);
    if (constraint == nullptr)
      raise(label + ": constraint= must be a constraint, got " + type_name(*c),
            "for example param(\"" + n + "\", init, constraint=constraints.positive)");
    if (constraint->is_discrete())
      raise(label + ": constraint=" + constraint->to_string() +
                " is discrete, but a param is a real-valued tensor",
            "use a continuous constraint: positive, interval(lo, hi), simplex, ...");
    msg.param_constraint = *c;
  }
  msg.param_event_dim = optional_int_kw(kwargs, "event_dim", label).value_or(0);
  if (msg.param_event_dim < 0)
    raise(label + ": event_dim= must be a non-negative int, got " + std::to_string(msg.param_event_dim));
  send(msg, "param");
  return *msg.value;
}

void effect_factor(const Value& name, const Value& log_weight) {
  const std::string n = site_name(name, "factor");
  torch_guard(site_label("factor", n), [&] {
    at::Tensor w = to_tensor(log_weight, site_label("factor", n));
    if (!at::isFloatingType(w.scalar_type())) w = w.to(kDefaultFloat);
    auto* unit = new Unit(w);
    Message msg = sample_message(n, make_value(unit));
    msg.value = make_tensor(unit->sample({}));
    msg.is_observed = true;
    apply_stack(msg);
  });
}

Value effect_deterministic(const Value& name, const Value& value) {
  const std::string n = site_name(name, "deterministic");
  return torch_guard(site_label("deterministic", n), [&] {
    const at::Tensor v = to_tensor(value, site_label("deterministic", n));
    Message msg = sample_message(n, make_value(new Delta(v, v.dim())));
    msg.value = value;
    msg.is_observed = true;
    msg.mask = Value(false);  // recorded, never scored
    Value infer = make_dict();
    infer.as<DictObject>()->set(make_str("_deterministic"), Value(true));
    msg.infer = infer;
    apply_stack(msg);
    return *msg.value;
  });
}

Value effect_plate_enter(const Value& name, const Value& size, const CallArgs& kwargs) {
  const std::string n = site_name(name, "plate");
  const std::string label = "plate '" + n + "'";
  check_keywords(kwargs, "subsample_size,subsample,dim", label);
  std::optional<int64_t> s;
  if (!size.is_none()) s = int_arg(size, label, "size");
  return torch_guard(label, [&] {
    at::Tensor subsample;
    if (const Value* sub = kwargs.kw("subsample"); sub != nullptr && !sub->is_none())
      subsample = to_tensor(*sub, label + " subsample");
    const std::optional<int64_t> subsample_size = optional_int_kw(kwargs, "subsample_size", label);
    if (!subsample.defined() && s && subsample_size && *subsample_size >= 1 &&
        *subsample_size < *s) {
      // A random subsample is a site of its own, so replay can give the
      // model's plate the guide's indices.
      Message msg;
      msg.type = MessageType::kSubsample;
      msg.name = n;
      msg.plate_size = *s;
      msg.subsample_size = *subsample_size;
      apply_stack(msg);
      subsample = to_tensor(*msg.value, label + " subsample");
    }
    auto plate = std::make_unique<PlateMessenger>(
        n, s, optional_int_kw(kwargs, "subsample_size", label), subsample,
        optional_int_kw(kwargs, "dim", label));
    const at::Tensor idx = plate->indices();
    push_owned_messenger(std::move(plate));
    return make_tensor(idx);
  });
}

void effect_seq_plate_enter(const Value& name, const Value& index) {
  const std::string n = site_name(name, "plate");
  push_owned_messenger(PlateMessenger::sequential(n, int_arg(index, "plate '" + n + "'", "index")));
}

void effect_plate_exit(const Value& name) {
  const std::string n = site_name(name, "plate");
  KILN_ASSERT(handler_stack_depth() > 0,
              "PlateExit of plate '" + n + "' with an empty handler stack");
  auto* plate = dynamic_cast<PlateMessenger*>(&handler_stack_at(handler_stack_depth() - 1));
  KILN_ASSERT(plate != nullptr && plate->name() == n,
              "PlateExit of plate '" + n + "' but the innermost handler is not that plate");
  pop_messenger(*plate);
}

void set_global_seed(uint64_t seed) { seed_global_generator(seed); }

}  // namespace kiln::rt
