#include "inference/autoguide/autoguide.h"

#include <ATen/ATen.h>

#include <cmath>

#include "inference/autoguide/init_strategies.h"
#include "runtime/effects.h"
#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

// `v` (a site's initial value, subsampled plates at their subsample size)
// repeated periodically along those plates' dims up to their full size, as
// Pyro does: every data point gets a starting value.
at::Tensor repeat_to_full(at::Tensor v, const LatentSite& site, const Prototype& p) {
  for (const SitePlate& sp : site.plates) {
    const GuidePlate& plate = p.plate(sp.name);
    const int64_t pos = v.dim() - site.event_dim + sp.dim;
    const int64_t have = v.size(pos);
    if (have == plate.size) continue;
    const int64_t copies = (plate.size + have - 1) / have;
    v = at::cat(std::vector<at::Tensor>(copies, v), pos).narrow(pos, 0, plate.size);
  }
  return v.contiguous();
}

Value dict_of_sites(const Prototype& p, const std::vector<at::Tensor>& values) {
  Value out = make_dict();
  for (size_t i = 0; i < p.sites.size(); ++i)
    out.as<DictObject>()->set(make_str(p.sites[i].name), make_tensor(values.at(i).detach()));
  return out;
}

std::vector<double> quantile_levels(const Value& v, const std::string& who) {
  std::vector<double> qs;
  if (is_tensor(v)) {
    const at::Tensor t = tensor_of(v).detach().to(at::kDouble).reshape({-1});
    for (int64_t i = 0; i < t.numel(); ++i) qs.push_back(t[i].item<double>());
  } else if (v.is(ObjKind::kList) || v.is(ObjKind::kTuple)) {
    for (const Value& q : to_vector(v)) qs.push_back(float_arg(q, who, "quantiles"));
  } else {
    raise_arg_type(who, "quantiles", "a list of levels such as [0.05, 0.5, 0.95]", v);
  }
  if (qs.empty()) raise_arg_error(who, "quantiles must not be empty");
  for (double q : qs)
    if (!(q > 0 && q < 1))
      raise_arg_error(who, "quantile levels must lie strictly between 0 and 1, got " + format_float(q));
  return qs;
}

}  // namespace

AutoGuide::AutoGuide(std::string name, Value model, Value init_loc_fn)
    : Object(ObjKind::kNative),
      name_(std::move(name)),
      model_(std::move(model)),
      init_loc_fn_(std::move(init_loc_fn)) {}

void AutoGuide::build(const CallArgs& args) {
  Prototype p = build_prototype(model_, args, name_);
  std::vector<at::Tensor> inits;
  for (const LatentSite& site : p.sites) {
    const at::Tensor v = initial_site_value(init_loc_fn_, p.message(site), name_);
    inits.push_back(repeat_to_full(v.to(site.dtype), site, p));
  }
  prototype_ = std::move(p);
  init_values_ = std::move(inits);
  try {
    setup();
  } catch (...) {
    // A later call (with other arguments) may succeed: start over then.
    prototype_.reset();
    init_values_.clear();
    throw;
  }
}

const Prototype& AutoGuide::prototype(const CallArgs& args) {
  if (!prototype_) build(args);
  return *prototype_;
}

const Prototype& AutoGuide::built() const {
  KILN_ASSERT(prototype_.has_value(), name_ + ": used before its prototype was built");
  return *prototype_;
}

void AutoGuide::adopt_prototype(const AutoGuide& other) {
  prototype_ = other.built();
  init_values_ = other.init_values_;
  setup();
}

void AutoGuide::draw_subsample_indices() {
  indices_.clear();
  for (const GuidePlate& p : built().plates) {
    if (!p.subsampled()) continue;
    indices_[p.name] = at::randperm(p.size, global_generator(), at::TensorOptions().dtype(at::kLong))
                           .narrow(0, 0, p.subsample_size);
  }
}

Value AutoGuide::call(const CallArgs& args) {
  return torch_guard(name_, [&] {
    prototype(args);
    draw_subsample_indices();
    return sample_sites();
  });
}

Value AutoGuide::median(const CallArgs& args) {
  return torch_guard(name_ + ".median", [&] {
    const Prototype& p = prototype(args);
    at::NoGradGuard no_grad;
    return dict_of_sites(p, site_medians());
  });
}

Value AutoGuide::quantiles(const std::vector<double>& qs, const CallArgs& args) {
  return torch_guard(name_ + ".quantiles", [&] {
    const Prototype& p = prototype(args);
    at::NoGradGuard no_grad;
    const at::Tensor levels = at::tensor(qs, at::TensorOptions().dtype(at::kDouble));
    return dict_of_sites(p, site_quantiles(levels));
  });
}

std::vector<at::Tensor> AutoGuide::site_quantiles(const at::Tensor&) {
  raise(name_ + " has no quantiles: it is a point estimate",
        "use " + name_ + ".median(), or a Gaussian guide such as AutoNormal");
}

at::Tensor AutoGuide::param(const std::string& name, const at::Tensor& init, const Value& constraint,
                            int64_t event_dim) const {
  ArgList kw;
  if (!constraint.is_none()) kw.push_kw("constraint", constraint);
  if (event_dim > 0) kw.push_kw("event_dim", Value(event_dim));
  const Value init_value = make_tensor(init);
  const Value v = effect_param(make_str(name), &init_value, kw.view());
  const at::Tensor t = to_tensor(v, "param '" + name + "'");
  if (t.sizes() != init.sizes())
    raise(name_ + ": param '" + name + "' in the param store has shape " +
              shape_to_string(t.sizes().vec()) + ", but this guide needs shape " +
              shape_to_string(init.sizes().vec()),
          "the store holds a param of another model or data size; call clear_param_store() "
          "before fitting a new one");
  return t;
}

Value AutoGuide::sample(const std::string& name, const Value& dist, bool auxiliary) const {
  ArgList kw;
  if (auxiliary) {
    Value infer = make_dict();
    infer.as<DictObject>()->set(make_str("is_auxiliary"), Value(true));
    kw.push_kw("infer", infer);
  }
  return effect_sample(make_str(name), dist, nullptr, kw.view());
}

AutoGuide::SitePlates::SitePlates(const AutoGuide& guide, const LatentSite& site)
    : depth_(handler_stack_depth()) {
  try {
    for (const SitePlate& sp : site.plates) {
      const GuidePlate& plate = guide.built().plate(sp.name);
      ArgList kw;
      kw.push_kw("dim", Value(sp.dim));
      if (const auto it = guide.indices_.find(sp.name); it != guide.indices_.end())
        kw.push_kw("subsample", make_tensor(it->second));
      effect_plate_enter(make_str(sp.name), Value(plate.size), kw.view());
    }
  } catch (...) {
    unwind_handler_stack(depth_);
    throw;
  }
}

AutoGuide::SitePlates::~SitePlates() { unwind_handler_stack(depth_); }

at::Tensor AutoGuide::gaussian_quantiles(const LatentSite& site, const at::Tensor& loc,
                                         const at::Tensor& scale, const at::Tensor& qs) const {
  const Transform& t = site.bijection();
  if (t.sign() == 0)
    raise(name_ + ".quantiles(): site '" + site.name + "' has support " +
              as_constraint(site.support)->name() + ", whose bijection " + t.name() +
              " is not monotone elementwise, so it has no elementwise quantiles",
          "use " + name_ + ".median(), or draw from the guide: " + name_ + "(*args)");
  std::vector<int64_t> shape{qs.numel()};
  shape.insert(shape.end(), loc.dim(), 1);
  at::Tensor q = qs.to(loc.scalar_type()).reshape(shape);
  if (t.sign() < 0) q = 1 - q;  // a decreasing bijection swaps lower and upper quantiles
  // The Normal quantile function: loc + scale * sqrt(2) * erfinv(2q - 1).
  const at::Tensor u = loc + scale * std::sqrt(2.0) * at::erfinv(2 * q - 1);
  return t.forward(u);
}

std::string AutoGuide::to_string() const { return name_ + "(" + to_str(model_) + ")"; }

Value AutoGuide::get_attr(std::string_view attr) const {
  if (attr == "model") return model_;
  if (attr == "init_loc_fn") return init_loc_fn_;
  if (attr == "prototype_trace") return prototype_ ? prototype_->trace : Value();
  if (attr == "median" || attr == "quantiles")
    return make_value(new BoundMethodObject(Value(const_cast<AutoGuide*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value AutoGuide::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = name_ + "." + std::string(method);
  if (method == "median") return median(args);
  if (method == "quantiles") {
    if (args.npos < 1)
      raise(who + "() needs the quantile levels first, then the model's arguments",
            "for example guide.quantiles([0.05, 0.5, 0.95], data)");
    const std::vector<double> qs = quantile_levels(args.pos[0], who);
    CallArgs rest = args;
    ++rest.pos;
    --rest.npos;
    return quantiles(qs, rest);
  }
  return Object::call_method(method, args);
}

AutoGuide* as_autoguide(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<AutoGuide*>(v.obj());
}

}  // namespace kiln::rt
