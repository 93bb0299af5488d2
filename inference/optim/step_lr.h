// StepLR (torch.optim.lr_scheduler.StepLR, Pyro's pyro.optim.StepLR): the
// learning rate is multiplied by gamma every step_size epochs, an epoch being
// one call of .step_schedule():
//   lr(epoch) = lr * gamma^floor(epoch / step_size)
//   opt = StepLR(Adam(lr=0.01), step_size=10, gamma=0.1)
// Settings: step_size (required, an int >= 1), gamma=0.1 (positive).
#pragma once

#include "inference/optim/lr_schedule.h"

namespace kiln::rt {

class StepLR final : public LrSchedule {
 public:
  // `optimizer` from checked_schedule_target.
  StepLR(Value optimizer, int64_t step_size, double gamma)
      : LrSchedule(std::move(optimizer), 0.0), step_size_(step_size), gamma_(gamma) {}
  std::string_view name() const override { return "StepLR"; }
  void step_schedule(std::optional<double> loss) override;

 protected:
  std::string settings() const override;

 private:
  int64_t step_size_;
  double gamma_;
};

}  // namespace kiln::rt
