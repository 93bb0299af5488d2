// The handler builtins of frontend/builtins.def: trace, replay, condition,
// do, block, scale, mask, seed, substitute, uncondition, infer_config. Each
// checks its arguments once and returns a HandlerObject whose factory makes
// a fresh messenger per call, with Pyro's signatures: the model first
// (optional, for `with` use), then the handler's own arguments.
#include <memory>
#include <type_traits>
#include <vector>

#include "runtime/builtin_registry.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/handlers/block_messenger.h"
#include "runtime/handlers/condition_messenger.h"
#include "runtime/handlers/do_messenger.h"
#include "runtime/handlers/handler_object.h"
#include "runtime/handlers/infer_config_messenger.h"
#include "runtime/handlers/mask_messenger.h"
#include "runtime/handlers/replay_messenger.h"
#include "runtime/handlers/scale_messenger.h"
#include "runtime/handlers/seed_messenger.h"
#include "runtime/handlers/substitute_messenger.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/handlers/uncondition_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// The model argument (positional 0 or fn=); None when absent.
Value model_arg(const CallArgs& args, std::string_view who) {
  const Value* fn = optional_arg(args, 0, "fn");
  if (fn == nullptr || fn->is_none()) return Value();
  if (!is_callable(*fn))
    raise(std::string(who) + "(): the model must be a function, got " + type_name(*fn),
          std::string(who) + "(model, ...) wraps a model function");
  return *fn;
}

// Argument i (positional, or by keyword `name`), required.
const Value& handler_arg(const CallArgs& args, size_t i, std::string_view name) {
  const Value* v = optional_arg(args, i, name);
  if (v == nullptr)
    raise(std::string(args.callee) + "(): missing argument '" + std::string(name) + "'");
  return *v;
}

template <class A>
void collect_value(std::vector<Value>& out, const A& arg) {
  if constexpr (std::is_same_v<A, Value>) out.push_back(arg);
  if constexpr (std::is_same_v<A, BlockOptions>) {
    out.push_back(arg.hide_fn);
    out.push_back(arg.expose_fn);
  }
}

template <class M, class... A>
Value handler(std::string_view name, const Value& fn, A... messenger_args) {
  // Construct one messenger now so argument errors surface at the call
  // that made the handler, not at its first use.
  M check(messenger_args...);
  std::vector<Value> captured;
  (collect_value(captured, messenger_args), ...);
  return make_value(new HandlerObject(
      std::string(name), fn, [=]() -> std::unique_ptr<Messenger> { return std::make_unique<M>(messenger_args...); },
      std::move(captured)));
}

Value builtin_trace(const CallArgs& args) {
  check_args(args, 0, 1, "fn");
  return handler<TraceMessenger>("trace", model_arg(args, "trace"));
}

Value builtin_replay(const CallArgs& args) {
  check_args(args, 0, 3, "fn,trace,params");
  const Value* tr = optional_arg(args, 1, "trace");
  const Value* params = optional_arg(args, 2, "params");
  return handler<ReplayMessenger>("replay", model_arg(args, "replay"), tr ? *tr : Value(),
                                  params ? *params : Value());
}

Value builtin_condition(const CallArgs& args) {
  check_args(args, 0, 2, "fn,data");
  return handler<ConditionMessenger>("condition", model_arg(args, "condition"),
                                     handler_arg(args, 1, "data"), std::string_view("condition"));
}

Value builtin_do(const CallArgs& args) {
  check_args(args, 0, 2, "fn,data");
  return handler<DoMessenger>("do", model_arg(args, "do"), handler_arg(args, 1, "data"));
}

std::unordered_set<std::string> name_set(const CallArgs& args, std::string_view key,
                                         bool& given) {
  std::unordered_set<std::string> out;
  const Value* v = args.kw(key);
  given = v != nullptr && !v->is_none();
  if (!given) return out;
  if (!v->is(ObjKind::kList) && !v->is(ObjKind::kTuple))
    raise("block(): " + std::string(key) + " must be a list of str, got " + type_name(*v));
  const auto& items =
      v->is(ObjKind::kList) ? v->as<ListObject>()->items : v->as<TupleObject>()->items;
  for (const Value& item : items) out.insert(str_arg(item, "block", key));
  return out;
}

Value builtin_block(const CallArgs& args) {
  check_args(args, 0, 1, "fn,hide_fn,expose_fn,hide_all,expose_all,hide,expose,hide_types,expose_types");
  BlockOptions o;
  for (const char* key : {"hide_fn", "expose_fn"}) {
    const Value* f = args.kw(key);
    if (f == nullptr || f->is_none()) continue;
    if (!is_callable(*f)) raise(std::string("block(): ") + key + " must be a function of a site");
    (std::string_view(key) == "hide_fn" ? o.hide_fn : o.expose_fn) = *f;
  }
  o.hide_all = bool_kw(args, "hide_all", true);
  o.expose_all = bool_kw(args, "expose_all", false);
  o.hide = name_set(args, "hide", o.hide_given);
  o.expose = name_set(args, "expose", o.expose_given);
  o.hide_types = name_set(args, "hide_types", o.hide_types_given);
  o.expose_types = name_set(args, "expose_types", o.expose_types_given);
  for (const auto* types : {&o.hide_types, &o.expose_types})
    for (const std::string& t : *types)
      if (t != "sample" && t != "param")
        raise("block(): site types are \"sample\" and \"param\", got \"" + t + "\"");
  return handler<BlockMessenger>("block", model_arg(args, "block"), o);
}

Value builtin_scale(const CallArgs& args) {
  check_args(args, 0, 2, "fn,scale");
  const Value& s = handler_arg(args, 1, "scale");
  if (is_tensor(s) && tensor_of(s).numel() != 1)
    return handler<ScaleMessenger>("scale", model_arg(args, "scale"), tensor_of(s));
  const double factor = is_tensor(s) ? tensor_of(s).item<double>() : float_arg(s, "scale", "scale");
  return handler<ScaleMessenger>("scale", model_arg(args, "scale"), factor);
}

Value builtin_mask(const CallArgs& args) {
  check_args(args, 0, 2, "fn,mask");
  return handler<MaskMessenger>("mask", model_arg(args, "mask"), handler_arg(args, 1, "mask"));
}

Value builtin_seed(const CallArgs& args) {
  check_args(args, 0, 2, "fn,rng_seed");
  const int64_t s = int_arg(handler_arg(args, 1, "rng_seed"), "seed", "rng_seed");
  if (s < 0) raise("seed(): rng_seed must be non-negative, got " + std::to_string(s));
  return handler<SeedMessenger>("seed", model_arg(args, "seed"), static_cast<uint64_t>(s));
}

Value builtin_substitute(const CallArgs& args) {
  check_args(args, 0, 2, "fn,data");
  return handler<SubstituteMessenger>("substitute", model_arg(args, "substitute"),
                                      handler_arg(args, 1, "data"));
}

Value builtin_uncondition(const CallArgs& args) {
  check_args(args, 0, 1, "fn");
  return handler<UnconditionMessenger>("uncondition", model_arg(args, "uncondition"));
}

Value builtin_infer_config(const CallArgs& args) {
  check_args(args, 0, 2, "fn,config_fn");
  return handler<InferConfigMessenger>("infer_config", model_arg(args, "infer_config"),
                                       handler_arg(args, 1, "config_fn"));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_trace, &guarded<&builtin_trace>);
  register_builtin(BuiltinId::k_replay, &guarded<&builtin_replay>);
  register_builtin(BuiltinId::k_condition, &guarded<&builtin_condition>);
  register_builtin(BuiltinId::k_do, &guarded<&builtin_do>);
  register_builtin(BuiltinId::k_block, &guarded<&builtin_block>);
  register_builtin(BuiltinId::k_scale, &guarded<&builtin_scale>);
  register_builtin(BuiltinId::k_mask, &guarded<&builtin_mask>);
  register_builtin(BuiltinId::k_seed, &guarded<&builtin_seed>);
  register_builtin(BuiltinId::k_substitute, &guarded<&builtin_substitute>);
  register_builtin(BuiltinId::k_uncondition, &guarded<&builtin_uncondition>);
  register_builtin(BuiltinId::k_infer_config, &guarded<&builtin_infer_config>);
}

}  // namespace kiln::rt
