#include "inference/optim/exponential_lr.h"

#include "runtime/builtin_registry.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_exponential_lr(const CallArgs& args) {
  ScheduleCall call = read_schedule_call(args, {"gamma"});
  OptionReader reader("ExponentialLR", call.settings, "", call.noun);
  const std::optional<double> gamma = reader.optional_number("gamma", OptionRange::kPositive);
  if (!gamma) reader.missing("gamma", "ExponentialLR(optimizer, gamma=0.99)");
  reader.finish();
  return make_value(new ExponentialLR(std::move(call.optimizer), *gamma));
}

}  // namespace

void ExponentialLR::step_schedule(std::optional<double>) {
  next_epoch();
  set_lr_factor(lr_factor() * gamma_);
}

std::string ExponentialLR::settings() const { return ", gamma=" + format_float(gamma_); }

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_ExponentialLR, &guarded<&builtin_exponential_lr>); }

}  // namespace kiln::rt
