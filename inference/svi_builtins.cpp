// The builtins of SVI: Trace_ELBO, TraceMeanField_ELBO, TraceGraph_ELBO and
// SVI, with Pyro's signatures.
#include <memory>

#include "inference/svi.h"
#include "inference/trace_elbo.h"
#include "inference/tracegraph_elbo.h"
#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

ElboOptions elbo_options(const CallArgs& args) {
  check_args(args, 0, 0, "num_particles,vectorize_particles,max_plate_nesting");
  ElboOptions o;
  if (const Value* n = args.kw("num_particles")) o.num_particles = int_arg(*n, args.callee, "num_particles");
  o.vectorize_particles = bool_kw(args, "vectorize_particles", false);
  if (const Value* n = args.kw("max_plate_nesting"); n != nullptr && !n->is_none()) {
    o.max_plate_nesting = int_arg(*n, args.callee, "max_plate_nesting");
    if (o.max_plate_nesting < 0)
      raise(std::string(args.callee) + "(): max_plate_nesting must be non-negative");
  }
  return o;
}

Value builtin_trace_elbo(const CallArgs& args) { return make_value(new TraceElbo(elbo_options(args))); }
Value builtin_meanfield_elbo(const CallArgs& args) {
  return make_value(new TraceMeanFieldElbo(elbo_options(args)));
}
Value builtin_tracegraph_elbo(const CallArgs& args) {
  return make_value(new TraceGraphElbo(elbo_options(args)));
}

Value builtin_svi(const CallArgs& args) {
  check_args(args, 4, 4, "model,guide,optim,loss");
  return make_value(new Svi(required_arg(args, 0, "model"), required_arg(args, 1, "guide"),
                            required_arg(args, 2, "optim"), required_arg(args, 3, "loss")));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Trace_ELBO, &guarded<&builtin_trace_elbo>);
  register_builtin(BuiltinId::k_TraceMeanField_ELBO, &guarded<&builtin_meanfield_elbo>);
  register_builtin(BuiltinId::k_TraceGraph_ELBO, &guarded<&builtin_tracegraph_elbo>);
  register_builtin(BuiltinId::k_SVI, &guarded<&builtin_svi>);
}

}  // namespace kiln::rt
