#include "runtime/handlers/substitute_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/condition_messenger.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

SubstituteMessenger::SubstituteMessenger(Value data) : data_(std::move(data)) {
  if (!data_.is(ObjKind::kDict))
    raise("substitute(): data must be a dict of site name -> value, got " + type_name(data_),
          "substitute(model, {\"w\": tensor([1.0, 2.0])})");
}

void SubstituteMessenger::process(Message& msg) {
  if (msg.type == MessageType::kSample && msg.is_observed) return;
  const Value* v = data_value(data_, msg.name);
  if (v == nullptr || v->is_none()) return;
  msg.value = *v;
  msg.done = true;
}

}  // namespace kiln::rt
