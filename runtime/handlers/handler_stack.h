// The handler stack (Pyro's _PYRO_STACK): per thread, the messengers
// currently installed, outermost first. Every effect site of both back ends
// ends in apply_stack(msg), so every handler and inference engine works
// unchanged on interpreted and compiled code.
//
// Messengers are pushed and popped by a HandlerScope (RAII), so an exception
// never leaves a handler installed; plates entered by the interpreter's
// PlateEnter instruction are owned by the stack and popped by PlateExit or,
// when an error aborts the code, by unwind_handler_stack in whoever catches it.
#pragma once

#include <cstddef>
#include <memory>

#include "runtime/handlers/message.h"
#include "runtime/handlers/messenger.h"

namespace kiln::rt {

// Sends `msg` through the handler stack:
//  1. process: from the innermost messenger outwards, stopping after the
//     first one that sets msg.stop;
//  2. the default behaviour, whatever stop says (Pyro's
//     default_process_message): unless msg.done, msg.is_observed or a value
//     is set, a sample site draws msg.fn's sample() and a param site takes
//     its tensor from the param store (initializing it from msg.param_init
//     the first time); then msg.done = true;
//  3. postprocess: the messengers that processed the message, outermost
//     first, back to the innermost;
//  4. msg.continuation, if set.
// Raises KilnError for a param with no init that is not in the store.
void apply_stack(Message& msg);

// Calls m.enter() and installs m innermost. The caller keeps ownership.
void push_messenger(Messenger& m);
// The same, with the stack owning m (plates entered by the interpreter).
Messenger& push_owned_messenger(std::unique_ptr<Messenger> m);
// Removes m and everything installed after it (innermost first), calling
// exit() on each and destroying the ones the stack owns. An InternalError if
// m is not installed.
void pop_messenger(Messenger& m);

// Number of installed messengers, and the i-th (0 = outermost).
size_t handler_stack_depth();
Messenger& handler_stack_at(size_t i);
// Pops messengers until `depth` remain. Whoever catches an error from .ppl
// code (the interpreter's run_module, the REPL, an inference engine) unwinds
// to the depth it started at, so plates entered by the failed code do not
// outlive it; frames themselves pay nothing for this.
void unwind_handler_stack(size_t depth);

// Installs a messenger for the scope's lifetime:
//   TraceMessenger trace;
//   { HandlerScope scope(trace); call_value(model, args); }
class HandlerScope {
 public:
  explicit HandlerScope(Messenger& m) : messenger_(m) { push_messenger(m); }
  ~HandlerScope() { pop_messenger(messenger_); }
  HandlerScope(const HandlerScope&) = delete;
  HandlerScope& operator=(const HandlerScope&) = delete;

 private:
  Messenger& messenger_;
};

}  // namespace kiln::rt
