// The language's `transforms` namespace: the parameter-free transforms as
// instances (transforms.exp) and as Pyro-style classes (ExpTransform()),
// and the constructors of the parametrized ones.
#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "runtime/builtin_registry.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/namespace_object.h"
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

}  // namespace

Value transforms_namespace() {
  static const Value ns = [] {
    auto* transforms = new NamespaceObject("transforms", "transform");
    Value v = make_value(transforms);
    transforms->add("identity", identity_transform());
    transforms->add("exp", exp_transform());
    transforms->add("sigmoid", sigmoid_transform());
    transforms->add("softplus", softplus_transform());
    transforms->add("tanh", tanh_transform());
    transforms->add("stick_breaking", stick_breaking_transform());
    transforms->add("lower_cholesky", lower_cholesky_transform());
    transforms->add("corr_cholesky", corr_cholesky_transform());
    transforms->add("positive_definite", positive_definite_transform());
    transforms->add_function("ExpTransform", &guarded<&fn_instance<&exp_transform>>);
    transforms->add_function("SigmoidTransform", &guarded<&fn_instance<&sigmoid_transform>>);
    transforms->add_function("SoftplusTransform", &guarded<&fn_instance<&softplus_transform>>);
    transforms->add_function("TanhTransform", &guarded<&fn_instance<&tanh_transform>>);
    transforms->add_function("StickBreakingTransform", &guarded<&fn_instance<&stick_breaking_transform>>);
    transforms->add_function("LowerCholeskyTransform", &guarded<&fn_instance<&lower_cholesky_transform>>);
    transforms->add_function("CorrCholeskyTransform", &guarded<&fn_instance<&corr_cholesky_transform>>);
    transforms->add_function("PositiveDefiniteTransform", &guarded<&fn_instance<&positive_definite_transform>>);
    transforms->add_function("AffineTransform", &guarded<&fn_affine>);
    transforms->add_function("PowerTransform", &guarded<&fn_power>);
    transforms->add_function("ComposeTransform", &guarded<&fn_compose>);
    transforms->add_function("IndependentTransform", &guarded<&fn_independent>);
    make_immortal(v);
    return v;
  }();
  return ns;
}

KILN_REGISTER_BUILTINS { register_constant(BuiltinId::k_transforms, transforms_namespace()); }

}  // namespace kiln::rt
