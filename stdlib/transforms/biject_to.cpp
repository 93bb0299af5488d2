// biject_to(constraint): the bijection from the unconstrained reals onto a
// constraint's set, the registry torch.distributions.biject_to keeps, as a
// switch over the constraint kinds. Params with constraint= and the
// inference engines (autoguides, NUTS) use it to work on the reals.
#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

Value builtin_biject_to(const CallArgs& args) {
  check_args(args, 1, 1, "");
  const Value& c = required_arg(args, 0, "constraint");
  if (as_constraint(c) == nullptr)
    raise_arg_type(args.callee, "constraint", "a constraint (e.g. constraints.positive)", c);
  return biject_to(c);
}

}  // namespace

Value biject_to(const Value& constraint) {
  const Constraint* c = as_constraint(constraint);
  KILN_ASSERT(c != nullptr, "biject_to: not a constraint");
  if (c->is_discrete())
    raise("constraints." + c->name() +
              " has no bijection to the reals: discrete values cannot be moved "
              "to an "
              "unconstrained space",
          "only continuous sites and params can be transformed; enumerate or "
          "marginalize "
          "discrete sites, or sample them with an algorithm for discrete "
          "variables");
  switch (c->kind()) {
    case ConstraintKind::kReal: return identity_transform();
    case ConstraintKind::kPositive:
    case ConstraintKind::kNonnegative: return exp_transform();
    case ConstraintKind::kGreaterThan:
    case ConstraintKind::kGreaterThanEq:
      return compose_transform(
          {exp_transform(), affine_transform(c->lower(), at::ones_like(c->lower()))});
    case ConstraintKind::kLessThan:
      return compose_transform(
          {exp_transform(), affine_transform(c->upper(), -at::ones_like(c->upper()))});
    case ConstraintKind::kUnitInterval: return sigmoid_transform();
    case ConstraintKind::kInterval:
    case ConstraintKind::kHalfOpenInterval:
      return compose_transform(
          {sigmoid_transform(), affine_transform(c->lower(), c->upper() - c->lower())});
    case ConstraintKind::kSimplex: return stick_breaking_transform();
    case ConstraintKind::kLowerCholesky: return lower_cholesky_transform();
    case ConstraintKind::kCorrCholesky: return corr_cholesky_transform();
    case ConstraintKind::kPositiveDefinite: return positive_definite_transform();
    case ConstraintKind::kIndependent:
      return independent_transform(biject_to(c->base_value()), c->reinterpreted_dims());
    default: break;
  }
  throw InternalError("biject_to: no bijection for constraints." + c->name());
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_biject_to, &guarded<&builtin_biject_to>); }

}  // namespace kiln::rt
