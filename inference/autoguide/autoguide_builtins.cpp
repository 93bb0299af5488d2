// The autoguide builtins, with Pyro's signatures and defaults: the model
// first, then init_loc_fn (AutoNormal: init_to_feasible; the others:
// init_to_median), init_scale (0.1) and, for the low-rank guide, rank.
#include "inference/autoguide/auto_continuous.h"
#include "inference/autoguide/auto_delta.h"
#include "inference/autoguide/auto_normal.h"
#include "inference/autoguide/init_strategies.h"
#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

const Value& model_arg(const CallArgs& args) {
  const Value& model = required_arg(args, 0, "model");
  if (!is_callable(model))
    raise(std::string(args.callee) + "(): the model must be a function, got " + type_name(model),
          std::string(args.callee) + "(model) builds a guide for the model function");
  return model;
}

Value init_loc_fn_arg(const CallArgs& args, InitKind default_kind) {
  return check_init_loc_fn(args.kw("init_loc_fn"), default_kind, std::string(args.callee));
}

double init_scale_arg(const CallArgs& args, double default_scale) {
  const Value* v = args.kw("init_scale");
  if (v == nullptr || v->is_none()) return default_scale;
  return float_arg(*v, args.callee, "init_scale");
}

Value builtin_auto_delta(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn");
  return make_value(new AutoDelta(model_arg(args), init_loc_fn_arg(args, InitKind::kMedian)));
}

Value builtin_auto_normal(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn,init_scale");
  return make_value(new AutoNormal(model_arg(args), init_loc_fn_arg(args, InitKind::kFeasible),
                                   init_scale_arg(args, AutoNormal::kDefaultInitScale)));
}

Value builtin_auto_diagonal_normal(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn,init_scale");
  return make_value(new AutoDiagonalNormal(model_arg(args), init_loc_fn_arg(args, InitKind::kMedian),
                                           init_scale_arg(args, AutoContinuous::kDefaultInitScale)));
}

Value builtin_auto_multivariate_normal(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn,init_scale");
  return make_value(new AutoMultivariateNormal(
      model_arg(args), init_loc_fn_arg(args, InitKind::kMedian),
      init_scale_arg(args, AutoContinuous::kDefaultInitScale)));
}

Value builtin_auto_low_rank_multivariate_normal(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn,init_scale,rank");
  int64_t rank = 0;  // None: ceil(sqrt(latent_dim))
  if (const Value* r = args.kw("rank"); r != nullptr && !r->is_none()) {
    rank = int_arg(*r, args.callee, "rank");
    if (rank < 1) raise_arg_error(args.callee, "rank must be at least 1, got " + std::to_string(rank));
  }
  return make_value(new AutoLowRankMultivariateNormal(
      model_arg(args), init_loc_fn_arg(args, InitKind::kMedian),
      init_scale_arg(args, AutoContinuous::kDefaultInitScale), rank));
}

Value builtin_auto_laplace_approximation(const CallArgs& args) {
  check_args(args, 0, 1, "model,init_loc_fn");
  return make_value(
      new AutoLaplaceApproximation(model_arg(args), init_loc_fn_arg(args, InitKind::kMedian)));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_AutoDelta, &guarded<&builtin_auto_delta>);
  register_builtin(BuiltinId::k_AutoNormal, &guarded<&builtin_auto_normal>);
  register_builtin(BuiltinId::k_AutoDiagonalNormal, &guarded<&builtin_auto_diagonal_normal>);
  register_builtin(BuiltinId::k_AutoMultivariateNormal, &guarded<&builtin_auto_multivariate_normal>);
  register_builtin(BuiltinId::k_AutoLowRankMultivariateNormal,
                   &guarded<&builtin_auto_low_rank_multivariate_normal>);
  register_builtin(BuiltinId::k_AutoLaplaceApproximation,
                   &guarded<&builtin_auto_laplace_approximation>);
}

}  // namespace kiln::rt
