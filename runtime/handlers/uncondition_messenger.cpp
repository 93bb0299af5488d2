#include "runtime/handlers/uncondition_messenger.h"

#include "runtime/objects.h"

namespace kiln::rt {

Value writable_infer(const Message& msg) {
  Value copy = make_dict();
  if (msg.infer.is(ObjKind::kDict))
    msg.infer.as<DictObject>()->for_each(
        [&](const Value& k, const Value& v) { copy.as<DictObject>()->set(k, v); });
  return copy;
}

void UnconditionMessenger::process(Message& msg) {
  if (msg.type != MessageType::kSample || !msg.is_observed) return;
  Value infer = writable_infer(msg);
  infer.as<DictObject>()->set(make_str("was_observed"), Value(true));
  infer.as<DictObject>()->set(make_str("obs"), msg.value ? *msg.value : Value());
  msg.infer = infer;
  msg.is_observed = false;
  msg.value.reset();
  msg.done = false;
}

}  // namespace kiln::rt
