// The language's `constraints` namespace: the parameter-free constraints as
// attributes (constraints.positive) and the bounded ones as functions
// (constraints.interval(0.0, 1.0)), named as in
// torch.distributions.constraints.
#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

#include "runtime/builtin_registry.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/namespace_object.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// Bounds follow the distributions' parameter convention (dist_params.h):
// numbers become 0-dim tensors of the floating tensors' dtype, else float32.
// Unlike parameters they are not expanded, so a number prints as a number.
std::vector<at::Tensor> bound_tensors(std::string_view callee, const std::vector<ParamArg>& args) {
  const std::vector<at::Tensor> broadcast = broadcast_params(callee, args);
  std::vector<at::Tensor> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const Value& v = *args[i].value;
    const auto dtype = broadcast[i].scalar_type();
    out.push_back(v.is_number() ? at::scalar_tensor(v.to_double(), at::TensorOptions().dtype(dtype))
                                : to_tensor(v, callee).to(dtype));
  }
  return out;
}

at::Tensor one_bound(const CallArgs& args, const char* name) {
  check_args(args, 1, 1, name);
  return bound_tensors(args.callee, {{name, &required_arg(args, 0, name)}})[0];
}

// An empty interval is almost always swapped arguments; say so at once
// rather than when every value fails the check.
std::pair<at::Tensor, at::Tensor> two_bounds(const CallArgs& args) {
  check_args(args, 2, 2, "lower_bound,upper_bound");
  std::vector<at::Tensor> b =
      bound_tensors(args.callee, {{"lower_bound", &required_arg(args, 0, "lower_bound")},
                                  {"upper_bound", &required_arg(args, 1, "upper_bound")}});
  if (!(b[0] <= b[1]).all().item<bool>()) {
    std::string got;
    if (b[0].numel() == 1 && b[1].numel() == 1)
      got = ", got " + print_scalar(b[0].detach().reshape({})) + " and " +
            print_scalar(b[1].detach().reshape({}));
    raise_arg_error(args.callee, "lower_bound must not exceed upper_bound" + got);
  }
  return {std::move(b[0]), std::move(b[1])};
}

Value fn_greater_than(const CallArgs& args) { return greater_than(one_bound(args, "lower_bound")); }
Value fn_greater_than_eq(const CallArgs& args) {
  return greater_than_eq(one_bound(args, "lower_bound"));
}
Value fn_less_than(const CallArgs& args) { return less_than(one_bound(args, "upper_bound")); }
Value fn_multinomial(const CallArgs& args) {
  return multinomial_constraint(one_bound(args, "total_count"));
}

Value fn_interval(const CallArgs& args) {
  auto [lower, upper] = two_bounds(args);
  return interval(std::move(lower), std::move(upper));
}
Value fn_half_open_interval(const CallArgs& args) {
  auto [lower, upper] = two_bounds(args);
  return half_open_interval(std::move(lower), std::move(upper));
}
Value fn_integer_interval(const CallArgs& args) {
  auto [lower, upper] = two_bounds(args);
  return integer_interval(std::move(lower), std::move(upper));
}

Value fn_independent(const CallArgs& args) {
  check_args(args, 2, 2, "base_constraint,reinterpreted_batch_ndims");
  const Value& base = required_arg(args, 0, "base_constraint");
  if (as_constraint(base) == nullptr)
    raise_arg_type(args.callee, "base_constraint", "a constraint (e.g. constraints.real)", base);
  const int64_t n = int_arg(required_arg(args, 1, "reinterpreted_batch_ndims"), args.callee,
                            "reinterpreted_batch_ndims");
  if (n < 0)
    raise_arg_error(args.callee,
                    "reinterpreted_batch_ndims must be non-negative, got " + std::to_string(n));
  return independent(base, n);
}

}  // namespace

Value constraints_namespace() {
  static const Value ns = [] {
    auto* constraints = new NamespaceObject("constraints", "constraint");
    Value v = make_value(constraints);
    constraints->add("real", constraint_of(ConstraintKind::kReal));
    constraints->add("positive", constraint_of(ConstraintKind::kPositive));
    constraints->add("nonnegative", constraint_of(ConstraintKind::kNonnegative));
    constraints->add("unit_interval", constraint_of(ConstraintKind::kUnitInterval));
    constraints->add("simplex", constraint_of(ConstraintKind::kSimplex));
    constraints->add("lower_cholesky", constraint_of(ConstraintKind::kLowerCholesky));
    constraints->add("corr_cholesky", constraint_of(ConstraintKind::kCorrCholesky));
    constraints->add("positive_definite", constraint_of(ConstraintKind::kPositiveDefinite));
    constraints->add("boolean", constraint_of(ConstraintKind::kBoolean));
    constraints->add("nonnegative_integer", constraint_of(ConstraintKind::kNonnegativeInteger));
    constraints->add("positive_integer", constraint_of(ConstraintKind::kPositiveInteger));
    constraints->add("one_hot", constraint_of(ConstraintKind::kOneHot));
    constraints->add("real_vector", independent(constraint_of(ConstraintKind::kReal), 1));
    constraints->add_function("greater_than", &guarded<&fn_greater_than>);
    constraints->add_function("greater_than_eq", &guarded<&fn_greater_than_eq>);
    constraints->add_function("less_than", &guarded<&fn_less_than>);
    constraints->add_function("interval", &guarded<&fn_interval>);
    constraints->add_function("half_open_interval", &guarded<&fn_half_open_interval>);
    constraints->add_function("integer_interval", &guarded<&fn_integer_interval>);
    constraints->add_function("multinomial", &guarded<&fn_multinomial>);
    constraints->add_function("independent", &guarded<&fn_independent>);
    make_immortal(v);
    return v;
  }();
  return ns;
}

KILN_REGISTER_BUILTINS { register_constant(BuiltinId::k_constraints, constraints_namespace()); }

}  // namespace kiln::rt
