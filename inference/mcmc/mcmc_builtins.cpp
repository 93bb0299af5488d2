// The MCMC builtins with Pyro's signatures: HMC(model, ...), NUTS(model, ...)
// and MCMC(kernel, num_samples, ...). Their options are described in
// kernel.h and mcmc.h.
#include "inference/autoguide/init_strategies.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/mcmc.h"
#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// The keyword `name` unless absent or None.
const Value* given(const CallArgs& args, std::string_view name) {
  const Value* v = args.kw(name);
  return v == nullptr || v->is_none() ? nullptr : v;
}

KernelOptions kernel_options(const CallArgs& args) {
  KernelOptions o;
  if (const Value* v = given(args, "step_size")) o.step_size = float_arg(*v, args.callee, "step_size");
  if (const Value* v = given(args, "num_steps")) o.num_steps = int_arg(*v, args.callee, "num_steps");
  if (const Value* v = given(args, "trajectory_length"))
    o.trajectory_length = float_arg(*v, args.callee, "trajectory_length");
  o.adapt_step_size = bool_kw(args, "adapt_step_size", true);
  o.adapt_mass_matrix = bool_kw(args, "adapt_mass_matrix", true);
  o.full_mass = bool_kw(args, "full_mass", false);
  if (const Value* v = given(args, "target_accept_prob"))
    o.target_accept_prob = float_arg(*v, args.callee, "target_accept_prob");
  if (const Value* v = given(args, "max_tree_depth")) o.max_tree_depth = int_arg(*v, args.callee, "max_tree_depth");
  const Value* init = given(args, "init_strategy");
  if (init != nullptr && !is_callable(*init))
    raise_arg_type(args.callee, "init_strategy",
                   "an init strategy (init_to_uniform, init_to_value(values={...}), ...) or a function "
                   "of a site",
                   *init);
  o.init_strategy = check_init_loc_fn(init, InitKind::kUniform, std::string(args.callee));
  return o;
}

Value builtin_hmc(const CallArgs& args) {
  check_args(args, 0, 1,
             "model,step_size,num_steps,trajectory_length,adapt_step_size,adapt_mass_matrix,full_mass,"
             "target_accept_prob,init_strategy");
  return make_value(new McmcKernel(KernelKind::kHmc, required_arg(args, 0, "model"), kernel_options(args)));
}

Value builtin_nuts(const CallArgs& args) {
  check_args(args, 0, 1,
             "model,step_size,adapt_step_size,adapt_mass_matrix,full_mass,target_accept_prob,"
             "max_tree_depth,init_strategy");
  return make_value(new McmcKernel(KernelKind::kNuts, required_arg(args, 0, "model"), kernel_options(args)));
}

Value builtin_mcmc(const CallArgs& args) {
  check_args(args, 0, 2, "kernel,num_samples,warmup_steps,num_chains,initial_params,seed,disable_progbar,output,chain_method");
  McmcOptions o;
  o.num_samples = int_arg(required_arg(args, 1, "num_samples"), args.callee, "num_samples");
  if (const Value* v = given(args, "warmup_steps")) o.warmup_steps = int_arg(*v, args.callee, "warmup_steps");
  if (const Value* v = given(args, "num_chains")) o.num_chains = int_arg(*v, args.callee, "num_chains");
  if (const Value* v = given(args, "initial_params")) o.initial_params = *v;
  if (const Value* v = given(args, "seed")) {
    const int64_t seed = int_arg(*v, args.callee, "seed");
    if (seed < 0) raise_arg_error(args.callee, "seed must be non-negative, got " + std::to_string(seed));
    o.seed = static_cast<uint64_t>(seed);
  }
  o.disable_progbar = bool_kw(args, "disable_progbar", false);
  if (const Value* v = given(args, "output")) o.output = str_arg(*v, args.callee, "output");
  if (const Value* v = given(args, "chain_method")) o.chain_method = str_arg(*v, args.callee, "chain_method");
  return make_value(new Mcmc(required_arg(args, 0, "kernel"), std::move(o)));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_HMC, &guarded<&builtin_hmc>);
  register_builtin(BuiltinId::k_NUTS, &guarded<&builtin_nuts>);
  register_builtin(BuiltinId::k_MCMC, &guarded<&builtin_mcmc>);
}

}  // namespace kiln::rt
