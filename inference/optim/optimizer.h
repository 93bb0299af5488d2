// An optimizer of SVI (Pyro's pyro.optim): a .ppl value, made by a builtin
// and handed to SVI, which calls step(params) once per SVI step with the
// param store's unconstrained leaves, their .grad() filled by the ELBO's
// backward pass:
//   svi = SVI(model, guide, Adam({"lr": 0.005}), Trace_ELBO())
//
// Two families implement it:
//   - PerParamOptimizer (per_param_optimizer.h): the algorithms (Adam,
//     ClippedAdam, SGD, RMSprop, Adagrad) with state and options per param;
//   - LrSchedule (lr_schedule.h): StepLR, ExponentialLR, ReduceLROnPlateau,
//     which wrap an algorithm, delegate step to it and change its learning
//     rate when the program calls .step_schedule().
//
// Seen from .ppl: .lr (the current learning rate), .get_state() and
// .set_state(state) (the state dict's structure is in
// inference/optim/README.md; a run resumed from it continues bit for bit).
//
// Failure: user errors are KilnErrors naming the optimizer; a failed
// set_state or step leaves the optimizer (and the params) unchanged.
// Threading: one thread at a time, like every non-immortal value.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// (name, unconstrained leaf) pairs, as ParamStore::named_unconstrained().
using NamedParams = std::vector<std::pair<std::string, at::Tensor>>;

class Optimizer : public Object {
 public:
  Optimizer() : Object(ObjKind::kNative) {}

  // What the user wrote: "Adam", "StepLR".
  virtual std::string_view name() const = 0;

  // Updates, in place and without recording gradients, every param whose
  // grad is defined; the others (and their state) are left alone. Grads are
  // read, never modified (SVI zeroes them afterwards).
  virtual void step(const NamedParams& params) = 0;

  // A .ppl dict that set_state accepts to continue exactly where this
  // optimizer is; tensors in it are copies. Structure: README.md.
  virtual Value get_state() const = 0;
  // Replaces the whole state (params absent from `state` start afresh).
  // Raises KilnError, changing nothing, if `state` is not of this optimizer's
  // structure.
  virtual void set_state(const Value& state) = 0;

  // The current base learning rate (the options' lr times the schedule's
  // factor) as a float; for per-parameter options, a dict param name -> lr
  // of the params stepped so far.
  virtual Value lr() const = 0;

  std::string type_name() const override { return std::string(name()); }
  // .lr, .get_state, .set_state; subclasses add theirs and fall back here.
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  // Names listed in the "no attribute" hint, beyond lr, get_state, set_state.
  virtual std::string extra_attributes() const { return ""; }
};

// The optimizer held by `v`, or null if v is not one.
Optimizer* as_optimizer(const Value& v);

}  // namespace kiln::rt
