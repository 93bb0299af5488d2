// The message: what one effect site (sample, param) sends through the
// handler stack. apply_stack passes it to every active messenger, which may
// read and change it; the default behaviour then fills in the value. Every
// field is described here and no other file adds fields.
//
// factor(name, w) and deterministic(name, v) are sample sites too, as in
// Pyro: observed sites of a Unit(w) / Delta(v) distribution, so handlers,
// traces and ELBOs treat every kind of site alike.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

enum class MessageType : uint8_t {
  kSample,  // sample / observe / factor / deterministic: fn is a Distribution
  kParam,   // param: value comes from the param store unless a handler sets it
  // A subsampled plate's indices (Pyro's _Subsample site): sent when a
  // plate draws a random subsample, so trace records the indices and
  // replay hands the guide's indices to the model's plate of the same name.
  // Never scored.
  kSubsample,
};

// One enclosing plate, as Pyro's CondIndepStackFrame.
struct CondIndepFrame {
  std::string name;        // the plate's name
  int64_t dim = 0;         // the batch dim it owns (negative, -1 is rightmost); 0 if sequential
  int64_t size = 0;        // its number of indices here: the subsample size; -1 if
                           // unknown (a sequential plate entered by index)
  int64_t counter = 0;     // sequential plates: the iteration; vectorized: 0
  bool vectorized = true;  // false for `for i in plate(...)`: no batch dim
};

struct Message {
  MessageType type = MessageType::kSample;
  std::string name;  // site name; unique per trace for sample sites

  // kSample: the Distribution value to draw from or score. Handlers may
  // replace it (plates broadcast it along their dims, condition() keeps it).
  Value fn;

  // The site's value: set by obs= / observe(), by a handler (replay,
  // condition, substitute), or by the default behaviour (a draw from fn, a
  // param store lookup). Kept as the program gave it: obs=3.0 stays a Python
  // float, so `x = sample("x", d, obs=3.0)` binds 3.0.
  std::optional<Value> value;
  bool is_observed = false;  // true once obs=, observe() or condition() supplied the value

  Value infer;  // the infer= dict of the site (None if absent); handlers may set keys

  // Product of enclosing scale() handlers and plate subsampling factors
  // (size / subsample_size): multiplies the site's log_prob in ELBOs.
  double scale = 1.0;
  // Per-element factors of enclosing scale(tensor) handlers (their
  // product), multiplied in after `scale`; undefined when there are none.
  // It must broadcast to the site's log_prob shape.
  at::Tensor scale_tensor;
  // None, or a bool (tensor) that log_prob is multiplied by (mask handler;
  // False for deterministic sites).
  Value mask;

  // Enclosing plates, outermost first (each plate prepends its frame while
  // the message travels outwards).
  std::vector<CondIndepFrame> cond_indep_stack;

  // kParam: the initial value from the program (tensor, number, or a
  // function called once to make it); unbound if none was given.
  Value param_init = Value::unbound();
  Value param_constraint;       // kParam: constraint= (None: unconstrained)
  int64_t plate_size = 0;       // kSubsample: the plate's size
  int64_t subsample_size = 0;   // kSubsample: how many indices to draw
  int64_t param_event_dim = 0;  // kParam: event_dim= (constraints with event dims)

  // The do() handler that split this site (Pyro's _intervener_id), so it
  // does not intervene on the copy it sends through the stack itself.
  const void* intervener = nullptr;

  bool done = false;  // the value is final; the default behaviour leaves it alone
  bool stop = false;  // messengers further out (and the default) do not see this message
  // Called after postprocessing (Pyro's msg["continuation"]); null if none.
  std::function<void(Message&)> continuation;

  // Lazily computed by whoever scores the site (traces, ELBOs): fn's
  // log_prob at value before and after scale and mask. Undefined until then.
  at::Tensor unscaled_log_prob;
  at::Tensor log_prob;
};

}  // namespace kiln::rt
