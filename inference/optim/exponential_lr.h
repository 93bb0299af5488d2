// ExponentialLR (torch.optim.lr_scheduler.ExponentialLR, Pyro's
// pyro.optim.ExponentialLR): the learning rate is multiplied by gamma at
// every call of .step_schedule():
//   lr(epoch) = lr * gamma^epoch
//   opt = ExponentialLR(Adam(lr=0.01), gamma=0.99)
// Settings: gamma (required, positive).
#pragma once

#include "inference/optim/lr_schedule.h"

namespace kiln::rt {

class ExponentialLR final : public LrSchedule {
 public:
  // `optimizer` from checked_schedule_target.
  ExponentialLR(Value optimizer, double gamma) : LrSchedule(std::move(optimizer), 0.0), gamma_(gamma) {}
  std::string_view name() const override { return "ExponentialLR"; }
  void step_schedule(std::optional<double> loss) override;

 protected:
  std::string settings() const override;

 private:
  double gamma_;
};

}  // namespace kiln::rt
