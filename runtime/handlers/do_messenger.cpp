#include "runtime/handlers/do_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/condition_messenger.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

DoMessenger::DoMessenger(Value data) : data_(std::move(data)) {
  if (!data_.is(ObjKind::kDict))
    raise("do(): data must be a dict of site name -> intervention value, got " + type_name(data_),
          "do(model, {\"x\": 1.0})");
}

void DoMessenger::process(Message& msg) {
  if (msg.type != MessageType::kSample || msg.intervener == this) return;
  const Value* intervention = data_value(data_, msg.name);
  if (intervention == nullptr || intervention->is_none()) return;
  // The original site goes through the whole stack again as a fresh
  // message; what inner handlers accumulated (plate frames, scale, mask) is
  // reset so they add it once more.
  Message original = msg;
  original.intervener = this;
  original.cond_indep_stack.clear();
  original.scale = 1.0;
  original.scale_tensor = at::Tensor();
  original.mask = Value();
  original.stop = false;
  apply_stack(original);

  msg.intervener = this;
  msg.name += "__CF";
  msg.value = *intervention;
  msg.is_observed = true;
  msg.stop = true;
}

}  // namespace kiln::rt
