#include "inference/optim/step_lr.h"

#include "runtime/builtin_registry.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_step_lr(const CallArgs& args) {
  ScheduleCall call = read_schedule_call(args, {"step_size", "gamma"});
  OptionReader reader("StepLR", call.settings, "", call.noun);
  const int64_t step_size = reader.integer("step_size", 0, 1);
  if (step_size == 0) reader.missing("step_size", "StepLR(optimizer, step_size=10, gamma=0.1)");
  const double gamma = reader.number("gamma", 0.1, OptionRange::kPositive);
  reader.finish();
  return make_value(new StepLR(std::move(call.optimizer), step_size, gamma));
}

}  // namespace

void StepLR::step_schedule(std::optional<double>) {
  next_epoch();
  // Multiplying at each boundary, as torch does, rather than gamma^k keeps
  // the learning rates bit-identical to torch's.
  if (epoch() % step_size_ == 0) set_lr_factor(lr_factor() * gamma_);
}

std::string StepLR::settings() const {
  return ", step_size=" + std::to_string(step_size_) + ", gamma=" + format_float(gamma_);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_StepLR, &guarded<&builtin_step_lr>); }

}  // namespace kiln::rt
