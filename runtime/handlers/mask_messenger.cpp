#include "runtime/handlers/mask_messenger.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

at::Tensor mask_tensor(const Value& m) {
  return m.is_bool() ? at::scalar_tensor(m.as_bool(), at::kBool) : tensor_of(m);
}

}  // namespace

MaskMessenger::MaskMessenger(Value mask) : mask_(std::move(mask)) {
  const bool ok = mask_.is_bool() || (is_tensor(mask_) && tensor_of(mask_).scalar_type() == at::kBool);
  if (!ok)
    raise("mask(): mask must be a bool or a bool tensor, got " + type_name(mask_),
          "compare to make one, e.g. mask(model, x > 0)");
}

void MaskMessenger::process(Message& msg) {
  if (msg.type != MessageType::kSample) return;
  if (msg.mask.is_none()) {
    msg.mask = mask_;
  } else if (msg.mask.is_bool() && mask_.is_bool()) {
    msg.mask = Value(msg.mask.as_bool() && mask_.as_bool());
  } else {
    msg.mask = make_tensor(at::logical_and(mask_tensor(msg.mask), mask_tensor(mask_)));
  }
}

}  // namespace kiln::rt
