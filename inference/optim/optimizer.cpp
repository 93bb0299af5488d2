#include "inference/optim/optimizer.h"

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

Value Optimizer::get_attr(std::string_view attr) const {
  if (attr == "lr") return torch_guard(std::string(name()) + ".lr", [&] { return lr(); });
  if (attr == "get_state" || attr == "set_state")
    return make_value(new BoundMethodObject(Value(const_cast<Optimizer*>(this)), std::string(attr)));
  const std::string extra = extra_attributes();
  raise("'" + type_name() + "' object has no attribute '" + std::string(attr) + "'",
        "its attributes: lr, get_state(), set_state(state)" + (extra.empty() ? "" : ", " + extra));
}

Value Optimizer::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = std::string(name()) + "." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  if (method == "get_state") {
    check_args(named, 0, 0, "");
    return torch_guard(who, [&] { return get_state(); });
  }
  if (method == "set_state") {
    check_args(named, 1, 1, "state");
    const Value& state = required_arg(named, 0, "state");
    torch_guard(who, [&] { set_state(state); });
    return Value();
  }
  const std::string extra = extra_attributes();
  if (method == "step_schedule")
    raise("'" + type_name() + "' object has no method 'step_schedule'",
          "only schedules have one: wrap the optimizer, e.g. StepLR(" + type_name() +
              "(lr=0.01), step_size=10), and hand the schedule to SVI");
  raise("'" + type_name() + "' object has no method '" + std::string(method) + "'",
        "its methods: get_state(), set_state(state)" + (extra.empty() ? "" : "; also " + extra));
}

Optimizer* as_optimizer(const Value& v) {
  return v.is(ObjKind::kNative) ? dynamic_cast<Optimizer*>(v.obj()) : nullptr;
}

}  // namespace kiln::rt
