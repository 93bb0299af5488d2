// ReduceLROnPlateau (torch.optim.lr_scheduler.ReduceLROnPlateau, Pyro's
// pyro.optim.ReduceLROnPlateau): multiplies the learning rate by `factor`
// when the loss passed to .step_schedule(loss) has not improved for more than
// `patience` epochs.
//   opt = ReduceLROnPlateau(Adam(lr=0.01), factor=0.5, patience=5)
//   for epoch in range(100):
//       loss = svi.step(data)
//       opt.step_schedule(loss)
// Per call, as torch: an improvement (mode "min", threshold_mode "rel")
// is loss < best * (1 - threshold) ("abs": loss < best - threshold; mode
// "max" mirrors both); it resets the count of bad epochs, anything else
// increments it. While cooling down after a reduction, bad epochs are not
// counted. When the count exceeds patience, the learning rate becomes
// max(lr * factor, min_lr) and cooldown starts.
// Settings: mode="min", factor=0.1 (in (0, 1)), patience=10, threshold=1e-4,
// threshold_mode="rel", cooldown=0, min_lr=0.
// Extra state: best, num_bad_epochs, cooldown_counter.
#pragma once

#include "inference/optim/lr_schedule.h"

namespace kiln::rt {

class ReduceLROnPlateau final : public LrSchedule {
 public:
  struct Settings {
    bool maximize = false;          // mode "max"
    double factor = 0.1;
    int64_t patience = 10;
    double threshold = 1e-4;
    bool relative_threshold = true;  // threshold_mode "rel"
    int64_t cooldown = 0;
    double min_lr = 0;
  };

  // `optimizer` from checked_schedule_target.
  ReduceLROnPlateau(Value optimizer, Settings settings);
  std::string_view name() const override { return "ReduceLROnPlateau"; }
  // Raises KilnError if `loss` is absent: this schedule needs it.
  void step_schedule(std::optional<double> loss) override;

 protected:
  std::string settings() const override;
  void save_counters(const Value& dict) const override;
  void load_counters(OptionReader& reader) override;

 private:
  bool improves(double loss) const;

  Settings settings_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace kiln::rt
