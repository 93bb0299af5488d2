#include "runtime/handlers/infer_config_messenger.h"

#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/callable.h"
#include "runtime/handlers/uncondition_messenger.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

InferConfigMessenger::InferConfigMessenger(Value config_fn) : config_fn_(std::move(config_fn)) {
  if (!is_callable(config_fn_))
    raise("infer_config(): config_fn must be a function of a site returning a dict, got " +
          type_name(config_fn_));
}

void InferConfigMessenger::process(Message& msg) {
  if (msg.type == MessageType::kSubsample) return;
  const ArgList args{site_dict(msg)};
  const Value extra = call_value(config_fn_, args.view("config_fn"));
  if (extra.is_none()) return;
  if (!extra.is(ObjKind::kDict))
    raise("infer_config(): config_fn must return a dict, got " + type_name(extra) +
          " for site '" + msg.name + "'");
  Value infer = writable_infer(msg);
  extra.as<DictObject>()->for_each(
      [&](const Value& k, const Value& v) { infer.as<DictObject>()->set(k, v); });
  msg.infer = infer;
}

}  // namespace kiln::rt
