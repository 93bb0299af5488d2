#include "inference/predictive.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <optional>

#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/handlers/condition_messenger.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/plate_messenger.h"
#include "runtime/handlers/replay_messenger.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr const char* kWho = "Predictive";
// Pyro's names: the model's return value, and the plate of parallel draws.
constexpr const char* kReturnSite = "_RETURN";
constexpr const char* kSamplePlate = "_num_predictive_samples";

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

// The batch dims the draws' plate must stay left of: the deepest plate, or
// the most batch dims of any site (sites may have batch dims of their own).
int64_t max_batch_dims(const Trace* guide, const Trace& model) {
  int64_t deepest = 0;
  for (const Trace* tr : {guide, &model}) {
    if (tr == nullptr) continue;
    for (const Message& m : tr->sites()) {
      if (m.type != MessageType::kSample) continue;
      for (const CondIndepFrame& f : m.cond_indep_stack)
        if (f.vectorized) deepest = std::max(deepest, -f.dim);
      if (const Distribution* d = as_distribution(m.fn))
        deepest = std::max(deepest, static_cast<int64_t>(d->batch_shape().size()));
    }
  }
  return deepest;
}

int64_t numel_of(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace

struct Predictive::Run {
  Value guide_trace;  // None without a guide
  Value model_trace;
  Value return_value;

  const Trace* guide() const { return guide_trace.is_none() ? nullptr : as_trace(guide_trace); }
  const Trace& model() const { return *as_trace(model_trace); }

  // The draw of `name` ("_RETURN": the return value) in this run.
  at::Tensor value(const std::string& name, int64_t draw) const {
    if (name == kReturnSite)
      return to_tensor(return_value, std::string(kWho) + ": the model's return value").detach();
    const Message* m = model().find(name);
    if (m == nullptr || m->type != MessageType::kSample || !m->value)
      raise(std::string(kWho) + ": site '" + name + "' is in the first draw but not in draw " +
                std::to_string(draw),
            "the sites returned must appear in every run of the model; name them with "
            "return_sites=[...]");
    return to_tensor(*m->value, std::string(kWho) + ": site '" + name + "'").detach();
  }
};

Predictive::Predictive(Value model, PredictiveOptions options)
    : Object(ObjKind::kNative), model_(std::move(model)), options_(std::move(options)) {
  if (!is_callable(model_))
    raise(std::string(kWho) + "(): the model must be a function, got " + rt::type_name(model_));
  if (!options_.guide.is_none() && !is_callable(options_.guide))
    raise(std::string(kWho) + "(): guide must be a function or an autoguide, got " +
          rt::type_name(options_.guide));
  std::optional<int64_t> leading;
  if (!options_.posterior_samples.is_none()) {
    if (!options_.posterior_samples.is(ObjKind::kDict))
      raise(std::string(kWho) + "(): posterior_samples must be a dict of site name -> tensor of "
                                "samples, got " + rt::type_name(options_.posterior_samples),
            "for example Predictive(model, mcmc.get_samples())");
    Value converted = make_dict();
    options_.posterior_samples.as<DictObject>()->for_each([&](const Value& key, const Value& v) {
      if (!is_str(key))
        raise(std::string(kWho) + "(): posterior_samples must be keyed by site names, got " +
              rt::type_name(key));
      const std::string label = std::string(kWho) + "(): posterior sample '" + str_of(key) + "'";
      const at::Tensor t = to_tensor(v, label);
      if (t.dim() == 0 || (leading && t.size(0) != *leading))
        raise(label + " has shape " + shape_to_string(t.sizes().vec()) +
                  (leading ? ", but the others have " + std::to_string(*leading) + " samples"
                           : ", with no leading sample dim"),
              "every posterior sample needs the same leading dim: one entry per draw");
      leading = t.size(0);
      converted.as<DictObject>()->set(key, make_tensor(t));
    });
    options_.posterior_samples = converted;
  }
  if (leading && options_.num_samples && *options_.num_samples != *leading)
    raise(std::string(kWho) + "(): num_samples=" + std::to_string(*options_.num_samples) +
              " but the posterior samples hold " + std::to_string(*leading) + " draws",
          "leave num_samples out: it defaults to the number of posterior samples");
  if (leading) {
    num_samples_ = *leading;
  } else if (options_.num_samples) {
    num_samples_ = *options_.num_samples;
  } else {
    raise(std::string(kWho) + "(): give num_samples= (how many draws) or posterior_samples=",
          "for example Predictive(model, guide=guide, num_samples=100)");
  }
  if (num_samples_ < 1)
    raise(std::string(kWho) + "(): num_samples must be at least 1, got " + std::to_string(num_samples_));
}

Predictive::Run Predictive::run_once(const CallArgs& args, const Value& samples) const {
  Run r;
  std::optional<ConditionMessenger> condition;
  if (!samples.is_none()) condition.emplace(samples, kWho);
  if (!options_.guide.is_none()) {
    TraceMessenger guide_tracer;
    {
      HandlerScope trace_scope(guide_tracer);
      std::optional<HandlerScope> condition_scope;
      if (condition) condition_scope.emplace(*condition);
      call_value(options_.guide, args);
    }
    r.guide_trace = guide_tracer.trace_value();
  }
  TraceMessenger model_tracer;
  ReplayMessenger replay(r.guide_trace, Value());
  {
    HandlerScope trace_scope(model_tracer);
    HandlerScope replay_scope(replay);
    // Innermost, so a conditioned site is observed before replay sees it.
    std::optional<HandlerScope> condition_scope;
    if (condition) condition_scope.emplace(*condition);
    r.return_value = call_value(model_, args);
  }
  model_tracer.trace().return_value = r.return_value;
  r.model_trace = model_tracer.trace_value();
  return r;
}

Value Predictive::sample_at(int64_t i) const {
  if (options_.posterior_samples.is_none()) return Value();
  Value out = make_dict();
  options_.posterior_samples.as<DictObject>()->for_each([&](const Value& key, const Value& v) {
    out.as<DictObject>()->set(key, make_tensor(tensor_of(v)[i]));
  });
  return out;
}

Value Predictive::vectorized_samples(const Run& probe, int64_t nesting) const {
  if (options_.posterior_samples.is_none()) return Value();
  Value out = make_dict();
  options_.posterior_samples.as<DictObject>()->for_each([&](const Value& key, const Value& v) {
    const at::Tensor& all = tensor_of(v);
    const Message* site = probe.model().find(str_of(key));
    const Distribution* d = site ? as_distribution(site->fn) : nullptr;
    if (d == nullptr) return;  // not a site of the model: nothing to condition
    // One draw's value, with the draws' dim moved left of every batch dim.
    const std::vector<int64_t> one(all.sizes().begin() + 1, all.sizes().end());
    const int64_t batch = static_cast<int64_t>(one.size() - d->event_shape().size());
    const int64_t pad = nesting - batch;
    if (pad < 0)
      raise(std::string(kWho) + ": posterior sample '" + str_of(key) + "' of shape " +
            shape_to_string(one) + " has more batch dims than the model's sites (" +
            std::to_string(nesting) + ")");
    std::vector<int64_t> shape{num_samples_};
    shape.insert(shape.end(), pad, 1);
    shape.insert(shape.end(), one.begin(), one.end());
    out.as<DictObject>()->set(key, make_tensor(all.reshape(shape)));
  });
  return out;
}

std::vector<std::string> Predictive::sites_to_return(const Run& first) const {
  const Trace& model = first.model();
  std::vector<std::string> sample_sites;
  for (const Message& m : model.sites())
    if (m.type == MessageType::kSample) sample_sites.push_back(m.name);
  if (!options_.return_sites.empty()) {
    for (const std::string& name : options_.return_sites) {
      if (name == kReturnSite) continue;
      if (std::find(sample_sites.begin(), sample_sites.end(), name) == sample_sites.end())
        raise(std::string(kWho) + ": return_sites names '" + name +
                  "', which is not a sample site of the model",
              "the model's sample sites: " + join(sample_sites) + " (and \"_RETURN\")");
    }
    return options_.return_sites;
  }
  std::vector<std::string> out;
  const DictObject* posterior = options_.posterior_samples.is(ObjKind::kDict)
                                    ? options_.posterior_samples.as<DictObject>()
                                    : nullptr;
  for (const std::string& name : sample_sites) {
    if (posterior != nullptr && posterior->find(make_str(name)) != nullptr) continue;
    const Message* g = first.guide() ? first.guide()->find(name) : nullptr;
    if (g != nullptr && g->type == MessageType::kSample && !g->is_observed) continue;
    out.push_back(name);
  }
  return out;
}

Value Predictive::run_sequential(const CallArgs& args) {
  std::vector<std::string> names;
  std::vector<std::vector<at::Tensor>> draws;
  for (int64_t i = 0; i < num_samples_; ++i) {
    const Run r = run_once(args, sample_at(i));
    if (i == 0) {
      names = sites_to_return(r);
      draws.resize(names.size());
    }
    for (size_t j = 0; j < names.size(); ++j) {
      at::Tensor v = r.value(names[j], i);
      if (i > 0 && v.sizes() != draws[j][0].sizes())
        raise(std::string(kWho) + ": site '" + names[j] + "' has shape " +
              shape_to_string(draws[j][0].sizes().vec()) + " in draw 0 but " +
              shape_to_string(v.sizes().vec()) + " in draw " + std::to_string(i) +
              ", so the draws cannot be stacked");
      draws[j].push_back(std::move(v));
    }
  }
  Value out = make_dict();
  for (size_t j = 0; j < names.size(); ++j)
    out.as<DictObject>()->set(make_str(names[j]), make_tensor(at::stack(draws[j])));
  return out;
}

Value Predictive::run_parallel(const CallArgs& args) {
  // One plain draw finds the batch dims the model uses, so the draws' plate
  // can sit left of them, and the shape of one draw of each site.
  const Run probe = run_once(args, sample_at(0));
  const int64_t nesting = max_batch_dims(probe.guide(), probe.model());
  const std::vector<std::string> names = sites_to_return(probe);
  PlateMessenger plate(kSamplePlate, num_samples_, std::nullopt, at::Tensor(), -(nesting + 1));
  Run r;
  {
    HandlerScope scope(plate);
    r = run_once(args, vectorized_samples(probe, nesting));
  }
  Value out = make_dict();
  for (const std::string& name : names) {
    const std::vector<int64_t> one = probe.value(name, 0).sizes().vec();
    const at::Tensor v = r.value(name, 0);
    std::vector<int64_t> stacked{num_samples_};
    stacked.insert(stacked.end(), one.begin(), one.end());
    at::Tensor result;
    if (v.numel() == num_samples_ * numel_of(one)) {
      result = v.reshape(stacked);  // the draws' dim leads; the plate's padding dims are 1
    } else if (v.numel() == numel_of(one)) {
      result = v.reshape(one).expand(stacked).contiguous();  // the same in every draw (data)
    } else {
      raise(std::string(kWho) + ": site '" + name + "' has shape " +
                shape_to_string(v.sizes().vec()) + " when " + std::to_string(num_samples_) +
                " draws run in parallel, but " + shape_to_string(one) + " in one draw",
            "the model must broadcast over a leading batch dim; or use parallel=False");
    }
    out.as<DictObject>()->set(make_str(name), make_tensor(result));
  }
  return out;
}

Value Predictive::call(const CallArgs& args) {
  return torch_guard(kWho, [&] {
    at::NoGradGuard no_grad;
    return options_.parallel ? run_parallel(args) : run_sequential(args);
  });
}

std::string Predictive::to_string() const {
  return std::string(kWho) + "(" + to_str(model_) +
         (options_.guide.is_none() ? "" : ", guide=" + to_str(options_.guide)) +
         ", num_samples=" + std::to_string(num_samples_) + ")";
}

Value Predictive::get_attr(std::string_view attr) const {
  if (attr == "model") return model_;
  if (attr == "guide") return options_.guide;
  if (attr == "posterior_samples") return options_.posterior_samples;
  if (attr == "num_samples") return Value(num_samples_);
  if (attr == "parallel") return Value(options_.parallel);
  if (attr == "return_sites") {
    std::vector<Value> names;
    for (const std::string& n : options_.return_sites) names.push_back(make_str(n));
    return make_list(std::move(names));
  }
  if (attr == "get_samples")
    return make_value(new BoundMethodObject(Value(const_cast<Predictive*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value Predictive::call_method(std::string_view method, const CallArgs& args) {
  if (method == "get_samples") return call(args);
  return Object::call_method(method, args);
}

namespace {

std::vector<std::string> return_sites_arg(const Value& v) {
  std::vector<std::string> out;
  if (v.is_none()) return out;
  if (!v.is(ObjKind::kList) && !v.is(ObjKind::kTuple))
    raise_arg_type(kWho, "return_sites", "a list of site names", v);
  for (const Value& item : to_vector(v)) out.push_back(str_arg(item, kWho, "return_sites"));
  return out;
}

// Pyro's signature, Predictive(model, posterior_samples=None, *, guide=None,
// num_samples=None, return_sites=(), parallel=False); a guide passed second
// (callable, not a dict) is accepted too.
Value builtin_predictive(const CallArgs& args) {
  check_args(args, 0, 2, "model,posterior_samples,guide,num_samples,return_sites,parallel");
  const Value& model = required_arg(args, 0, "model");
  PredictiveOptions o;
  if (const Value* g = args.kw("guide")) o.guide = *g;
  if (const Value* s = args.kw("posterior_samples")) o.posterior_samples = *s;
  if (args.npos >= 2) {
    const Value& second = args.pos[1];
    const bool is_guide = !second.is_none() && !second.is(ObjKind::kDict) && is_callable(second);
    Value& slot = is_guide ? o.guide : o.posterior_samples;
    if (!slot.is_none())
      raise_arg_error(kWho, std::string(is_guide ? "guide" : "posterior_samples") +
                                " is given both positionally and by keyword");
    slot = second;
  }
  if (const Value* n = args.kw("num_samples"); n != nullptr && !n->is_none())
    o.num_samples = int_arg(*n, kWho, "num_samples");
  if (const Value* r = args.kw("return_sites")) o.return_sites = return_sites_arg(*r);
  o.parallel = bool_kw(args, "parallel", false);
  return make_value(new Predictive(model, std::move(o)));
}

}  // namespace

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Predictive, &guarded<&builtin_predictive>); }

}  // namespace kiln::rt
