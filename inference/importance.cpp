#include "inference/importance.h"

#include <ATen/ATen.h>

#include <cmath>

#include "inference/empirical.h"
#include "inference/particle.h"
#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

bool is_observed_site(const Message& m) { return m.type == MessageType::kSample && m.is_observed; }

}  // namespace

Importance::Importance(Value model, Value guide, int64_t num_samples)
    : Object(ObjKind::kNative), model_(std::move(model)), guide_(std::move(guide)), num_samples_(num_samples) {
  if (!is_callable(model_)) raise("Importance(): the model must be a function, got " + rt::type_name(model_));
  if (!guide_.is_none() && !is_callable(guide_))
    raise("Importance(): the guide must be a function or None, got " + rt::type_name(guide_));
  if (num_samples_ < 1)
    raise("Importance(): num_samples must be at least 1, got " + std::to_string(num_samples_));
}

void Importance::run(const CallArgs& args) {
  at::NoGradGuard no_grad;
  traces_.clear();
  std::vector<at::Tensor> weights;
  for (int64_t i = 0; i < num_samples_; ++i) {
    if (guide_.is_none()) {
      TraceMessenger tracer;
      {
        HandlerScope scope(tracer);
        tracer.trace().return_value = call_value(model_, args);
      }
      weights.push_back(tracer.trace().log_prob_sum(is_observed_site).to(at::kDouble));
      traces_.push_back(tracer.trace_value());
    } else {
      const ParticleTraces p = run_particle(model_, guide_, args, "Importance");
      weights.push_back((p.model().log_prob_sum() - p.guide().log_prob_sum()).to(at::kDouble));
      traces_.push_back(p.model_value);
    }
  }
  log_weights_ = at::stack(weights);
}

void Importance::require_run(std::string_view what) const {
  if (!log_weights_.defined())
    raise("Importance." + std::string(what) + ": call .run(*args) first");
}

double Importance::log_evidence() const {
  require_run("log_evidence");
  return (at::logsumexp(log_weights_, {0}) - std::log(static_cast<double>(num_samples_))).item<double>();
}

double Importance::ess() const {
  require_run("ess");
  const at::Tensor w = (log_weights_ - at::logsumexp(log_weights_, {0})).exp();
  return 1.0 / w.pow(2).sum().item<double>();
}

at::Tensor Importance::site_values(const std::string& site) const {
  require_run("marginal");
  std::vector<at::Tensor> values;
  for (const Value& t : traces_) {
    const Message* m = as_trace(t)->find(site);
    if (m == nullptr || m->type != MessageType::kSample || !m->value) {
      std::string names;
      for (const Message& s : as_trace(t)->sites())
        if (s.type == MessageType::kSample) names += (names.empty() ? "" : ", ") + s.name;
      raise("Importance: the model has no sample site '" + site + "'", "its sample sites are: " + names);
    }
    values.push_back(to_tensor(*m->value, "site '" + site + "'"));
  }
  return at::stack(values);
}

std::string Importance::to_string() const {
  return "Importance(num_samples=" + std::to_string(num_samples_) +
         (guide_.is_none() ? ", prior proposal)" : ", guide proposal)");
}

Value empirical_marginal(const Importance& importance, const std::string& site) {
  return make_value(new Empirical(importance.site_values(site), importance.log_weights()));
}

Value Importance::get_attr(std::string_view attr) const {
  if (attr == "log_weights") {
    require_run("log_weights");
    return make_tensor(log_weights_);
  }
  if (attr == "log_evidence") return Value(log_evidence());
  if (attr == "ess") return Value(ess());
  if (attr == "normalized_ess") return Value(ess() / static_cast<double>(num_samples_));
  if (attr == "num_samples") return Value(num_samples_);
  if (attr == "run" || attr == "marginal" || attr == "resample" || attr == "get_samples")
    return make_value(new BoundMethodObject(Value(const_cast<Importance*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value Importance::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = "Importance." + std::string(method);
  return torch_guard(who, [&]() -> Value {
    if (method == "run") {
      run(args);
      return Value(this);
    }
    if (method == "marginal" || method == "get_samples") {
      check_args(args, 1, 1, "site");
      const std::string& site = str_arg(required_arg(args, 0, "site"), who, "site");
      if (method == "marginal") return empirical_marginal(*this, site);
      return make_tensor(site_values(site));
    }
    if (method == "resample") {
      check_args(args, 0, 1, "num_samples");
      require_run("resample");
      const Value* n = optional_arg(args, 0, "num_samples");
      const int64_t k = n == nullptr || n->is_none() ? num_samples_ : int_arg(*n, who, "num_samples");
      if (k < 1) raise(who + "(): num_samples must be at least 1");
      const at::Tensor w = (log_weights_ - at::logsumexp(log_weights_, {0})).exp();
      const at::Tensor idx = at::multinomial(w, k, /*replacement=*/true, global_generator());
      Value out = make_dict();
      for (const Message& m : as_trace(traces_[0])->sites()) {
        if (m.type != MessageType::kSample || m.is_observed) continue;
        out.as<DictObject>()->set(make_str(m.name), make_tensor(site_values(m.name).index_select(0, idx)));
      }
      return out;
    }
    return Object::call_method(method, args);
  });
}

namespace {

Value builtin_importance(const CallArgs& args) {
  check_args(args, 1, 3, "model,guide,num_samples");
  const Value* guide = optional_arg(args, 1, "guide");
  const Value* n = optional_arg(args, 2, "num_samples");
  return make_value(new Importance(required_arg(args, 0, "model"), guide ? *guide : Value(),
                                   n == nullptr ? 1000 : int_arg(*n, "Importance", "num_samples")));
}

Value builtin_empirical_marginal(const CallArgs& args) {
  check_args(args, 1, 2, "trace_posterior,sites");
  const Value& imp = required_arg(args, 0, "trace_posterior");
  const auto* importance = imp.is(ObjKind::kNative) ? dynamic_cast<const Importance*>(imp.obj()) : nullptr;
  if (importance == nullptr)
    raise("EmpiricalMarginal(): expected an Importance result, got " + rt::type_name(imp));
  const Value* site = optional_arg(args, 1, "sites");
  if (site == nullptr) raise("EmpiricalMarginal(): give the site, e.g. EmpiricalMarginal(imp, sites=\"z\")");
  return empirical_marginal(*importance, str_arg(*site, "EmpiricalMarginal", "sites"));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Importance, &guarded<&builtin_importance>);
  register_builtin(BuiltinId::k_EmpiricalMarginal, &guarded<&builtin_empirical_marginal>);
}

}  // namespace kiln::rt
