#include "runtime/handlers/condition_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

const Value* data_value(const Value& data, const std::string& name) {
  if (data.is(ObjKind::kDict)) return data.as<DictObject>()->find(make_str(name));
  if (const Trace* tr = as_trace(data)) {
    const Message* m = tr->find(name);
    if (m != nullptr && m->type == MessageType::kSample && m->value) return &*m->value;
  }
  return nullptr;
}

ConditionMessenger::ConditionMessenger(Value data, std::string_view who) : data_(std::move(data)) {
  if (!data_.is(ObjKind::kDict) && as_trace(data_) == nullptr)
    raise(std::string(who) + "(): data must be a dict of site name -> value (or a Trace), got " +
              type_name(data_),
          std::string(who) + "(model, {\"x\": 1.0})");
}

void ConditionMessenger::process(Message& msg) {
  if (msg.type != MessageType::kSample) return;
  const Value* v = data_value(data_, msg.name);
  if (v == nullptr || v->is_none()) return;
  msg.value = *v;
  msg.is_observed = true;
}

}  // namespace kiln::rt
