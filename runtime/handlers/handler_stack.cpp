#include "runtime/handlers/handler_stack.h"

#include <exception>
#include <vector>

#include "runtime/errors.h"
#include "stdlib/random.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

namespace {

struct Entry {
  Messenger* messenger;
  std::unique_ptr<Messenger> owned;  // set when the stack owns the messenger
};

// Outermost first. Thread-local: each chain or worker thread has its own handlers.
thread_local std::vector<Entry> t_stack;

bool is_callable(const Value& v) {
  return v.is(ObjKind::kFunction) || v.is(ObjKind::kBuiltin) || v.is(ObjKind::kBoundMethod);
}

// A param's initial value: the program's init (calling it if it is a
// function, as Pyro's lazy initializers), converted to a tensor.
at::Tensor param_init_tensor(const Message& msg) {
  if (msg.param_init.is_unbound())
    raise("param '" + msg.name + "' is not in the param store and has no initial value",
          "give one the first time: param(\"" + msg.name + "\", init)");
  Value init = msg.param_init;
  if (is_callable(init)) init = call_value(init, CallArgs{});
  return to_tensor(init, "param '" + msg.name + "' init");
}

void default_process(Message& msg) {
  if (msg.done || msg.is_observed || msg.value.has_value()) {
    msg.done = true;
    return;
  }
  if (msg.type == MessageType::kSubsample) {
    msg.value = make_tensor(
        at::randperm(msg.plate_size, global_generator(), at::TensorOptions().dtype(at::kLong))
            .narrow(0, 0, msg.subsample_size));
  } else if (msg.type == MessageType::kSample) {
    const Distribution* d = as_distribution(msg.fn);
    KILN_ASSERT(d != nullptr, "apply_stack: sample site '" + msg.name + "' without a distribution");
    // As Pyro's dist(): a reparameterized draw where one exists, so gradients
    // flow from a guide's params through its draws.
    msg.value = make_tensor(d->has_rsample() ? d->rsample() : d->sample());
  } else {
    // The constrained value, recomputed from the stored leaf at every site
    // so gradients reach it; the first call's constraint is the one kept.
    msg.value = make_tensor(ParamStore::global().get_or_init(
        msg.name, [&] { return param_init_tensor(msg); }, msg.param_constraint));
  }
  msg.done = true;
}

size_t index_of(const Messenger& m) {
  for (size_t i = t_stack.size(); i-- > 0;)
    if (t_stack[i].messenger == &m) return i;
  return t_stack.size();
}

}  // namespace

void apply_stack(Message& msg) {
  // Indexes, not iterators: a messenger may install others while processing.
  const size_t n = t_stack.size();
  size_t first_processed = n;
  while (first_processed > 0) {
    --first_processed;
    t_stack[first_processed].messenger->process(msg);
    if (msg.stop) break;
  }
  default_process(msg);
  for (size_t i = first_processed; i < n && i < t_stack.size(); ++i)
    t_stack[i].messenger->postprocess(msg);
  if (msg.continuation) msg.continuation(msg);
}

void push_messenger(Messenger& m) {
  m.enter();
  t_stack.push_back(Entry{&m, nullptr});
}

Messenger& push_owned_messenger(std::unique_ptr<Messenger> m) {
  Messenger& ref = *m;
  ref.enter();
  t_stack.push_back(Entry{&ref, std::move(m)});
  return ref;
}

void pop_messenger(Messenger& m) {
  const size_t i = index_of(m);
  if (i == t_stack.size()) {
    // Already removed by unwind_handler_stack while an exception passes.
    if (std::uncaught_exceptions() > 0) return;
    throw InternalError("handler stack: popping a messenger that is not installed");
  }
  unwind_handler_stack(i);
}

size_t handler_stack_depth() { return t_stack.size(); }

Messenger& handler_stack_at(size_t i) {
  KILN_ASSERT(i < t_stack.size(), "handler_stack_at: index out of range");
  return *t_stack[i].messenger;
}

void unwind_handler_stack(size_t depth) {
  while (t_stack.size() > depth) {
    Entry e = std::move(t_stack.back());
    t_stack.pop_back();
    e.messenger->exit();
  }
}

}  // namespace kiln::rt
