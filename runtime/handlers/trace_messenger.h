// trace: records every site that reaches it, in order, into a Trace
// (trace.h) once the site's value is final (postprocess), as Pyro's
// TraceMessenger. Sites hidden by an inner block() never reach it.
//   TraceMessenger tm;
//   { HandlerScope scope(tm); call_value(model, args); }
//   Trace& tr = tm.trace();
#pragma once

#include "runtime/handlers/messenger.h"
#include "runtime/handlers/trace.h"

namespace kiln::rt {

class TraceMessenger final : public Messenger {
 public:
  TraceMessenger() : trace_(make_value(new Trace())) {}
  void postprocess(Message& msg) override { as_trace(trace_)->add(msg); }
  Trace& trace() const { return *as_trace(trace_); }
  const Value& trace_value() const { return trace_; }

 private:
  Value trace_;
};

}  // namespace kiln::rt
