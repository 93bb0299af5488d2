#include "runtime/handlers/replay_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

ReplayMessenger::ReplayMessenger(Value trace, Value params)
    : trace_(std::move(trace)), params_(std::move(params)) {
  if (!trace_.is_none() && as_trace(trace_) == nullptr)
    raise("replay(): trace must be a Trace, got " + type_name(trace_),
          "make one with trace(guide).get_trace(args...)");
  if (!params_.is_none() && !params_.is(ObjKind::kDict))
    raise("replay(): params must be a dict of name -> value, got " + type_name(params_));
}

void ReplayMessenger::process(Message& msg) {
  if (msg.type == MessageType::kSubsample) {
    if (trace_.is_none()) return;
    const Message* recorded = as_trace(trace_)->find(msg.name);
    if (recorded != nullptr && recorded->type == MessageType::kSubsample) {
      msg.value = recorded->value;
      msg.done = true;
    }
    return;
  }
  if (msg.type == MessageType::kParam) {
    if (params_.is_none()) return;
    if (const Value* v = params_.as<DictObject>()->find(make_str(msg.name))) {
      msg.value = *v;
      msg.done = true;
    }
    return;
  }
  if (msg.is_observed || trace_.is_none()) return;
  const Message* recorded = as_trace(trace_)->find(msg.name);
  if (recorded == nullptr) return;
  if (recorded->type != MessageType::kSample || recorded->is_observed)
    raise("replay(): site '" + msg.name + "' must be a latent sample site in the replayed trace",
          "it is " + std::string(recorded->type == MessageType::kParam ? "a param" : "observed") +
              " there");
  msg.value = recorded->value;
  msg.infer = recorded->infer;
  msg.done = true;
}

}  // namespace kiln::rt
