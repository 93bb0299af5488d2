#include "runtime/handlers/handler_object.h"

#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/trace.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

namespace {

bool on_stack(const Messenger* m) {
  for (size_t i = 0; i < handler_stack_depth(); ++i)
    if (&handler_stack_at(i) == m) return true;
  return false;
}

}  // namespace

HandlerObject::HandlerObject(std::string name, Value fn, MessengerFactory make, std::vector<Value> captured)
    : Object(ObjKind::kNative),
      name_(std::move(name)),
      fn_(std::move(fn)),
      make_(std::move(make)),
      captured_(std::move(captured)) {}

void HandlerObject::append_members(std::vector<Value>& out) const {
  out.push_back(fn_);
  out.insert(out.end(), captured_.begin(), captured_.end());
}

std::string HandlerObject::to_string() const {
  return "<" + name_ + " handler" + (fn_.is_none() ? "" : " of " + to_str(fn_)) + ">";
}

bool HandlerObject::is_trace() const { return name_ == "trace"; }

Value HandlerObject::run(const CallArgs& args, Value* trace_out) {
  if (fn_.is_none())
    raise(name_ + "() was given no model, so it can only be used in a with statement",
          "wrap a model: " + name_ + "(model, ...)(args), or write `with " + name_ + "(...):`");
  std::unique_ptr<Messenger> messenger = make_();
  Value result;
  {
    HandlerScope scope(*messenger);
    result = call_value(fn_, args);
  }
  if (auto* tm = dynamic_cast<TraceMessenger*>(messenger.get())) {
    tm->trace().return_value = result;
    std::vector<Value> positional(args.pos, args.pos + args.npos);
    tm->trace().args = make_tuple(std::move(positional));
    if (trace_out != nullptr) *trace_out = tm->trace_value();
    std::lock_guard<std::mutex> lock(last_trace_mutex_);
    last_trace_ = tm->trace_value();
  }
  return result;
}

Value HandlerObject::call(const CallArgs& args) { return run(args); }

Value HandlerObject::get_attr(std::string_view attr) const {
  if (attr == "fn") return fn_;
  if (is_trace() && attr == "trace") {
    std::lock_guard<std::mutex> lock(last_trace_mutex_);
    if (last_trace_.is_none())
      raise("trace handler has no trace yet", "call it first, or use .get_trace(args...)");
    return last_trace_;
  }
  if (is_trace() && attr == "get_trace")
    return make_value(new BoundMethodObject(Value(const_cast<HandlerObject*>(this)), "get_trace"));
  raise("'" + type_name() + "' object has no attribute '" + std::string(attr) + "'",
        is_trace() ? "a trace handler has .get_trace(args...), .trace and .fn" : "");
}

Value HandlerObject::call_method(std::string_view method, const CallArgs& args) {
  if (is_trace() && method == "get_trace") {
    Value trace;
    run(args, &trace);
    return trace;
  }
  if (method == "__enter__") {
    // A block left by an error was unwound without __exit__.
    if (active_ && on_stack(active_.get()))
      raise(name_ + " handler is already active in a with statement");
    active_ = make_();
    push_messenger(*active_);
    return Value(this);
  }
  if (method == "__exit__") {
    if (!active_) return Value();
    if (on_stack(active_.get())) pop_messenger(*active_);
    if (auto* tm = dynamic_cast<TraceMessenger*>(active_.get())) {
      std::lock_guard<std::mutex> lock(last_trace_mutex_);
      last_trace_ = tm->trace_value();
    }
    active_.reset();
    return Value();
  }
  return Object::call_method(method, args);
}

}  // namespace kiln::rt
