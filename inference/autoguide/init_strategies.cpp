#include "inference/autoguide/init_strategies.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

// Pyro's defaults.
constexpr int64_t kDefaultMedianDraws = 15;
constexpr double kDefaultUniformRadius = 2.0;

const Distribution& site_distribution(const Message& site) {
  const Distribution* d = as_distribution(site.fn);
  KILN_ASSERT(d != nullptr, "init strategy: site '" + site.name + "' has no distribution");
  return *d;
}

at::Tensor site_value(const Message& site) {
  KILN_ASSERT(site.value.has_value(), "init strategy: site '" + site.name + "' has no value");
  return to_tensor(*site.value, "site '" + site.name + "'");
}

c10::ScalarType site_dtype(const Message& site) {
  const at::Tensor v = site_value(site);
  return at::isFloatingType(v.scalar_type()) ? v.scalar_type() : site_distribution(site).dtype();
}

bool in_support(const Message& site, const at::Tensor& v) {
  if (!at::isfinite(v).all().item<bool>()) return false;
  return as_constraint(site_distribution(site).support())->check(v).all().item<bool>();
}

// biject_to(support)(u) for u of the unconstrained shape made by `make_u`.
template <class MakeU>
at::Tensor from_unconstrained(const Message& site, MakeU make_u) {
  const Value t = biject_to(site_distribution(site).support());
  const Transform& bijection = *as_transform(t);
  const std::vector<int64_t> shape = bijection.inverse_shape(site_value(site).sizes().vec());
  return bijection.forward(make_u(shape, at::TensorOptions().dtype(site_dtype(site))));
}

at::Tensor feasible(const Message& site) {
  return from_unconstrained(site, [](const std::vector<int64_t>& shape, at::TensorOptions o) {
    return at::zeros(shape, o);
  });
}

at::Tensor uniform(const Message& site, double radius) {
  return from_unconstrained(site, [radius](const std::vector<int64_t>& shape, at::TensorOptions o) {
    return at::rand(shape, global_generator(), o) * (2 * radius) - radius;
  });
}

// A user's value for `site` (init_to_value, or an init_loc_fn function),
// broadcast to the site's shape and checked against its support.
at::Tensor checked_value(const Value& given, const Message& site, const std::string& who) {
  const std::string label = who + ": the initial value of site '" + site.name + "'";
  at::Tensor v = to_tensor(given, label).to(site_dtype(site));
  const std::vector<int64_t> shape = site_value(site).sizes().vec();
  bool fits = v.dim() <= static_cast<int64_t>(shape.size());
  for (int64_t i = 1; fits && i <= v.dim(); ++i)
    fits = v.size(-i) == 1 || v.size(-i) == shape[shape.size() - i];
  if (!fits)
    raise(label + " has shape " + shape_to_string(v.sizes().vec()) + " but the site has shape " +
          shape_to_string(shape));
  v = v.expand(shape).clone();
  if (!in_support(site, v)) {
    const Constraint* c = as_constraint(site_distribution(site).support());
    raise(label + " is outside the site's support (" + c->name() + ": " + c->requirement() + ")");
  }
  return v;
}

bool is_init_builtin(const Value& v) {
  return v.is(ObjKind::kBuiltin) && v.as<BuiltinObject>()->name.rfind("init_to_", 0) == 0;
}

// A strategy argument (fallback=, init_loc_fn=): a strategy or a strategy builtin.
Value strategy_arg(const Value& v, const std::string& who, std::string_view arg) {
  if (as_init_strategy(v) != nullptr) return v;
  if (is_init_builtin(v)) {
    Value made = call_value(v, CallArgs{});
    if (as_init_strategy(made) != nullptr) return made;
  }
  raise_arg_type(who, arg, "an init strategy such as init_to_median()", v);
}

}  // namespace

InitStrategy::InitStrategy(InitKind kind, int64_t num_samples, double radius, Value values,
                           Value fallback)
    : Object(ObjKind::kNative),
      kind_(kind),
      num_samples_(num_samples),
      radius_(radius),
      values_(std::move(values)),
      fallback_(std::move(fallback)) {}

at::Tensor InitStrategy::median_of_draws(const Message& site) const {
  const Distribution& d = site_distribution(site);
  at::Tensor draws;
  try {
    draws = d.sample({num_samples_});
  } catch (const KilnError&) {
    return feasible(site);  // as Pyro: a prior that cannot be sampled starts inside its support
  } catch (const c10::Error&) {
    return feasible(site);
  }
  draws = draws.to(site_dtype(site));
  const at::Tensor median = std::get<0>(draws.median(0));
  if (in_support(site, median)) return median;
  // A convex support (simplex, lower Cholesky) contains the mean of its draws.
  const at::Tensor mean = draws.mean(0);
  if (in_support(site, mean)) return mean;
  return feasible(site);
}

at::Tensor InitStrategy::given_value(const Message& site) const {
  if (values_.is(ObjKind::kDict))
    if (const Value* v = values_.as<DictObject>()->find(make_str(site.name)))
      return checked_value(*v, site, "init_to_value");
  if (const InitStrategy* f = as_init_strategy(fallback_)) return f->initial_value(site);
  return uniform(site, kDefaultUniformRadius);
}

at::Tensor InitStrategy::initial_value(const Message& site) const {
  at::NoGradGuard no_grad;
  at::Tensor v;
  switch (kind_) {
    case InitKind::kMedian: v = median_of_draws(site); break;
    case InitKind::kMean: {
      try {
        const at::Tensor mean = site_distribution(site).mean().to(site_dtype(site));
        v = mean.expand(site_value(site).sizes()).clone();
      } catch (const KilnError&) {
        // No closed-form mean: the median of draws instead, as Pyro.
      }
      if (!v.defined() || !in_support(site, v)) v = median_of_draws(site);
      break;
    }
    case InitKind::kSample: v = site_distribution(site).sample().to(site_dtype(site)); break;
    case InitKind::kFeasible: v = feasible(site); break;
    case InitKind::kUniform: v = uniform(site, radius_); break;
    case InitKind::kValue: v = given_value(site); break;
  }
  return v.detach();
}

std::string InitStrategy::to_string() const {
  switch (kind_) {
    case InitKind::kMedian: return "init_to_median(num_samples=" + std::to_string(num_samples_) + ")";
    case InitKind::kMean: return "init_to_mean()";
    case InitKind::kSample: return "init_to_sample()";
    case InitKind::kFeasible: return "init_to_feasible()";
    case InitKind::kUniform: return "init_to_uniform(radius=" + format_float(radius_) + ")";
    case InitKind::kValue: return "init_to_value(values=" + to_repr(values_) + ")";
  }
  return "init strategy";
}

Value InitStrategy::get_attr(std::string_view attr) const {
  if (attr == "num_samples" && kind_ == InitKind::kMedian) return Value(num_samples_);
  if (attr == "radius" && kind_ == InitKind::kUniform) return Value(radius_);
  if (attr == "values" && kind_ == InitKind::kValue) return values_;
  return Object::get_attr(attr);
}

const InitStrategy* as_init_strategy(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<const InitStrategy*>(v.obj());
}

Value check_init_loc_fn(const Value* init_loc_fn, InitKind default_kind, const std::string& who) {
  if (init_loc_fn == nullptr || init_loc_fn->is_none())
    return make_value(new InitStrategy(default_kind));
  if (as_init_strategy(*init_loc_fn) != nullptr || is_init_builtin(*init_loc_fn))
    return strategy_arg(*init_loc_fn, who, "init_loc_fn");
  if (is_callable(*init_loc_fn)) return *init_loc_fn;
  raise_arg_type(who, "init_loc_fn",
                 "an init strategy (init_to_median, init_to_value(values={...}), ...) or a "
                 "function of a site",
                 *init_loc_fn);
}

at::Tensor initial_site_value(const Value& init_loc_fn, const Message& site, const std::string& who) {
  if (const InitStrategy* s = as_init_strategy(init_loc_fn)) return s->initial_value(site);
  at::NoGradGuard no_grad;
  const ArgList args{site_dict(site)};
  const Value v = call_value(init_loc_fn, args.view("init_loc_fn"));
  return checked_value(v, site, who + " init_loc_fn").detach();
}

namespace {

Value builtin_init_to_median(const CallArgs& args) {
  check_args(args, 0, 0, "num_samples");
  int64_t n = kDefaultMedianDraws;
  if (const Value* v = args.kw("num_samples"); v != nullptr && !v->is_none())
    n = int_arg(*v, args.callee, "num_samples");
  if (n < 1) raise_arg_error(args.callee, "num_samples must be at least 1, got " + std::to_string(n));
  return make_value(new InitStrategy(InitKind::kMedian, n));
}

Value builtin_init_to_mean(const CallArgs& args) {
  check_args(args, 0, 0, "");
  return make_value(new InitStrategy(InitKind::kMean));
}

Value builtin_init_to_sample(const CallArgs& args) {
  check_args(args, 0, 0, "");
  return make_value(new InitStrategy(InitKind::kSample));
}

Value builtin_init_to_feasible(const CallArgs& args) {
  check_args(args, 0, 0, "");
  return make_value(new InitStrategy(InitKind::kFeasible));
}

Value builtin_init_to_uniform(const CallArgs& args) {
  check_args(args, 0, 0, "radius");
  double r = kDefaultUniformRadius;
  if (const Value* v = args.kw("radius"); v != nullptr && !v->is_none())
    r = float_arg(*v, args.callee, "radius");
  if (!(r > 0)) raise_arg_error(args.callee, "radius must be positive, got " + format_float(r));
  return make_value(new InitStrategy(InitKind::kUniform, kDefaultMedianDraws, r));
}

Value builtin_init_to_value(const CallArgs& args) {
  check_args(args, 0, 0, "values,fallback");
  Value values = make_dict();
  if (const Value* v = args.kw("values"); v != nullptr && !v->is_none()) {
    if (!v->is(ObjKind::kDict))
      raise_arg_type(args.callee, "values", "a dict of site name -> value", *v);
    v->as<DictObject>()->for_each([&](const Value& key, const Value&) {
      if (!is_str(key)) raise_arg_error(args.callee, "values must be keyed by site names (str), got " +
                                                         type_name(key));
    });
    values = *v;
  }
  Value fallback;
  if (const Value* f = args.kw("fallback"); f != nullptr && !f->is_none())
    fallback = strategy_arg(*f, std::string(args.callee), "fallback");
  return make_value(new InitStrategy(InitKind::kValue, kDefaultMedianDraws, kDefaultUniformRadius,
                                     values, fallback));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_init_to_median, &guarded<&builtin_init_to_median>);
  register_builtin(BuiltinId::k_init_to_mean, &guarded<&builtin_init_to_mean>);
  register_builtin(BuiltinId::k_init_to_sample, &guarded<&builtin_init_to_sample>);
  register_builtin(BuiltinId::k_init_to_feasible, &guarded<&builtin_init_to_feasible>);
  register_builtin(BuiltinId::k_init_to_uniform, &guarded<&builtin_init_to_uniform>);
  register_builtin(BuiltinId::k_init_to_value, &guarded<&builtin_init_to_value>);
}

}  // namespace kiln::rt
