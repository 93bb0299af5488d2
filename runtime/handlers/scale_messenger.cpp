#include "runtime/handlers/scale_messenger.h"

#include <ATen/ATen.h>

#include <cmath>

#include "runtime/errors.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

ScaleMessenger::ScaleMessenger(double factor) : factor_(factor) {
  if (!(factor > 0) || !std::isfinite(factor))
    raise("scale(): scale must be a positive finite number, got " + to_repr(Value(factor)));
}

ScaleMessenger::ScaleMessenger(const at::Tensor& factors) : factors_(factors.detach()) {
  if (!at::isFloatingType(factors_.scalar_type())) factors_ = factors_.to(at::kFloat);
  const at::Tensor bad = (factors_ <= 0) | at::isfinite(factors_).logical_not();
  if (bad.any().item<bool>())
    raise("scale(): every scale must be a positive finite number, got " +
              to_repr(Value(factors_.masked_select(bad)[0].item<double>())) + " in a tensor of shape " +
              shape_to_string(factors_.sizes().vec()),
          "scale(model, weights) weights each datapoint's log-probability; use mask() to drop datapoints");
}

void ScaleMessenger::process(Message& msg) {
  if (!factors_.defined()) {
    msg.scale *= factor_;
    return;
  }
  msg.scale_tensor = msg.scale_tensor.defined() ? msg.scale_tensor * factors_ : factors_;
}

}  // namespace kiln::rt
