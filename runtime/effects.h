// What the effect instructions do: each builds a Message and sends it through
// the handler stack (runtime/handlers/handler_stack.h). The interpreter and,
// later, compiled code call these and nothing else for effects, so every
// handler and inference engine works unchanged on both back ends.
//
// Keyword arguments of the site (obs is separate; infer=, constraint=,
// event_dim=, subsample_size=, subsample=, dim=) arrive as a CallArgs with no
// positional part. All raise KilnError naming the site on bad arguments.
#pragma once

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// sample(name, dist, obs=..., infer=...): the drawn, replayed or observed value.
// `obs` is null when absent (an explicit obs=None also means latent).
Value effect_sample(const Value& name, const Value& dist, const Value* obs, const CallArgs& kwargs);
// observe(name, dist, value): scores value; returns it.
Value effect_observe(const Value& name, const Value& dist, const Value& value);
// param(name, init, constraint=..., event_dim=...): the constrained value.
// `init` is null when absent (the param must then already be in the store).
Value effect_param(const Value& name, const Value* init, const CallArgs& kwargs);
void effect_factor(const Value& name, const Value& log_weight);
Value effect_deterministic(const Value& name, const Value& value);
// `with plate(name, size, ...) as idx`: pushes the plate; returns idx (the
// int64 index tensor: arange(size), or the subsample).
Value effect_plate_enter(const Value& name, const Value& size, const CallArgs& kwargs);
// `for i in plate(name, size)`: enters iteration `index` of a sequential plate.
void effect_seq_plate_enter(const Value& name, const Value& index);
// Leaves the innermost plate, which must be `name`.
void effect_plate_exit(const Value& name);

// Seeds every random number generator the runtime uses.
void set_global_seed(uint64_t seed);

}  // namespace kiln::rt
