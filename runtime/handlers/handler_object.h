// The .ppl face of a handler: what trace(model), condition(model, data),
// block(model, hide=[...]) ... return. Calling it installs a fresh
// messenger, calls the wrapped model with the same arguments and removes
// the messenger again (also when the model raises), so handlers nest and
// compose like Pyro's:
//   tr = trace(condition(model, {"x": 1.0})).get_trace(3)
// Without a model (condition(data={...})) it is a context manager:
//   with scale(scale=0.5):
//       sample("z", Normal(0.0, 1.0))
// The wrapped model may be anything callable, including another handler.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/handlers/messenger.h"
#include "runtime/value.h"

namespace kiln::rt {

using MessengerFactory = std::function<std::unique_ptr<Messenger>()>;

class HandlerObject final : public Object {
 public:
  // `name` is the handler's ("condition"), `fn` the model or None, `make`
  // builds the messenger for one call or `with` block; `captured` lists the
  // Values `make` holds (the data of condition(model, data)), so that
  // make_immortal reaches them.
  HandlerObject(std::string name, Value fn, MessengerFactory make, std::vector<Value> captured = {});

  // Object: callable; attributes .fn and, for trace handlers, .trace (the
  // trace of the last call or `with` block) and the method
  // .get_trace(*args, **kwargs) (runs the model, returns its Trace);
  // __enter__/__exit__ for `with`.
  std::string type_name() const override { return name_ + " handler"; }
  std::string to_string() const override;
  Value call(const CallArgs& args) override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  bool is_trace() const;
  // A trace handler also hands its trace to `trace_out`.
  Value run(const CallArgs& args, Value* trace_out = nullptr);

  std::string name_;
  Value fn_;
  MessengerFactory make_;
  std::vector<Value> captured_;
  std::unique_ptr<Messenger> active_;  // the messenger of the open `with` block
  // Chains of MCMC may call one shared handler from several threads.
  mutable std::mutex last_trace_mutex_;
  Value last_trace_;
};

}  // namespace kiln::rt
