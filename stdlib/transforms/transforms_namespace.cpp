// The language's `transforms` namespace: the parameter-free transforms as
// instances (transforms.exp) and as Pyro-style classes (ExpTransform()),
// and the constructors of the parametrized ones.
#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "frontend/diagnostics.h"
#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

// ExpTransform() and friends: the shared instance, for Pyro's spelling.
template <Value (*Make)()>
Value fn_instance(const CallArgs& args) {
  check_args(args, 0, 0, "");
  return Make();
}

Value fn_affine(const CallArgs& args) {
  check_args(args, 2, 3, "loc,scale,event_dim");
  const Value& loc = required_arg(args, 0, "loc");
  const Value& scale = required_arg(args, 1, "scale");
  std::vector<at::Tensor> p = broadcast_params(args.callee, {{"loc", &loc}, {"scale", &scale}});
  const Value* e = optional_arg(args, 2, "event_dim");
  const int64_t event_dim = e == nullptr ? 0 : int_arg(*e, args.callee, "event_dim");
  if (event_dim < 0)
    raise_arg_error(args.callee,
                    "event_dim must be non-negative, got " + std::to_string(event_dim));
  return affine_transform(std::move(p[0]), std::move(p[1]), event_dim);
}

Value fn_power(const CallArgs& args) {
  check_args(args, 1, 1, "exponent");
  const Value& exponent = required_arg(args, 0, "exponent");
  return power_transform(broadcast_params(args.callee, {{"exponent", &exponent}})[0]);
}

Value fn_compose(const CallArgs& args) {
  check_args(args, 1, 1, "parts");
  const Value& parts = required_arg(args, 0, "parts");
  if (!parts.is(ObjKind::kList) && !parts.is(ObjKind::kTuple))
    raise_arg_type(args.callee, "parts", "a list of transforms", parts);
  std::vector<Value> items = to_vector(parts);
  for (size_t i = 0; i < items.size(); ++i)
    if (as_transform(items[i]) == nullptr)
      raise_arg_error(args.callee, "parts[" + std::to_string(i) + "] must be a transform, got " +
                                       type_name(items[i]));
  return compose_transform(std::move(items));
}

Value fn_independent(const CallArgs& args) {
  check_args(args, 2, 2, "base_transform,reinterpreted_batch_ndims");
  const Value& base = required_arg(args, 0, "base_transform");
  if (as_transform(base) == nullptr)
    raise_arg_type(args.callee, "base_transform", "a transform", base);
  const int64_t n = int_arg(required_arg(args, 1, "reinterpreted_batch_ndims"), args.callee,
                            "reinterpreted_batch_ndims");
  if (n < 0)
    raise_arg_error(args.callee,
                    "reinterpreted_batch_ndims must be non-negative, got " + std::to_string(n));
  return independent_transform(base, n);
}

class TransformsNamespace final : public Object {
 public:
  TransformsNamespace() : Object(ObjKind::kNative) {
    const auto add = [&](std::string name, Value v) {
      make_immortal(v);
      members_.emplace_back(std::move(name), std::move(v));
    };
    const auto add_fn = [&](const std::string& name, NativeFn fn) {
      add(name, make_value(new BuiltinObject("transforms." + name, fn)));
    };
    add("identity", identity_transform());
    add("exp", exp_transform());
    add("sigmoid", sigmoid_transform());
    add("softplus", softplus_transform());
    add("tanh", tanh_transform());
    add("stick_breaking", stick_breaking_transform());
    add("lower_cholesky", lower_cholesky_transform());
    add("corr_cholesky", corr_cholesky_transform());
    add("positive_definite", positive_definite_transform());
    add_fn("ExpTransform", &guarded<&fn_instance<&exp_transform>>);
    add_fn("SigmoidTransform", &guarded<&fn_instance<&sigmoid_transform>>);
    add_fn("SoftplusTransform", &guarded<&fn_instance<&softplus_transform>>);
    add_fn("TanhTransform", &guarded<&fn_instance<&tanh_transform>>);
    add_fn("StickBreakingTransform", &guarded<&fn_instance<&stick_breaking_transform>>);
    add_fn("LowerCholeskyTransform", &guarded<&fn_instance<&lower_cholesky_transform>>);
    add_fn("CorrCholeskyTransform", &guarded<&fn_instance<&corr_cholesky_transform>>);
    add_fn("PositiveDefiniteTransform", &guarded<&fn_instance<&positive_definite_transform>>);
    add_fn("AffineTransform", &guarded<&fn_affine>);
    add_fn("PowerTransform", &guarded<&fn_power>);
    add_fn("ComposeTransform", &guarded<&fn_compose>);
    add_fn("IndependentTransform", &guarded<&fn_independent>);
  }

  std::string type_name() const override { return "namespace"; }
  std::string to_string() const override { return "<namespace transforms>"; }

  Value get_attr(std::string_view attr) const override {
    for (const auto& [name, v] : members_)
      if (name == attr) return v;
    std::vector<std::string> names;
    for (const auto& member : members_) names.push_back(member.first);
    const std::string best = closest_name(std::string(attr), names);
    raise("transforms has no transform '" + std::string(attr) + "'",
          best.empty() ? "" : "did you mean '" + best + "'?");
  }

  Value call_method(std::string_view method, const CallArgs& args) override {
    return call_value(get_attr(method), args);
  }

 private:
  std::vector<std::pair<std::string, Value>> members_;
};

}  // namespace

Value transforms_namespace() {
  static const Value ns = [] {
    Value v = make_value(new TransformsNamespace());
    make_immortal(v);
    return v;
  }();
  return ns;
}

KILN_REGISTER_BUILTINS { register_constant(BuiltinId::k_transforms, transforms_namespace()); }

}  // namespace kiln::rt
