// A learning-rate schedule (Pyro's pyro.optim.StepLR, ExponentialLR,
// ReduceLROnPlateau, which wrap torch's schedulers): itself an Optimizer
// that wraps an algorithm, delegates step() to it, and scales the
// algorithm's learning rates (PerParamOptimizer::set_lr_factor) when the
// program advances it:
//   opt = StepLR(Adam(lr=0.01), step_size=10, gamma=0.1)
//   svi = SVI(model, guide, opt, Trace_ELBO())
//   for epoch in range(50):
//       loss = svi.step(data)      # SVI calls opt.step(params) only
//       opt.step_schedule(loss)    # the program advances the schedule (Pyro: scheduler.step())
// Pyro's single-dict form is accepted as well:
//   StepLR({"optimizer": Adam, "optim_args": {"lr": 0.01}, "step_size": 10, "gamma": 0.1})
//
// A schedule wraps an algorithm, not another schedule, and an algorithm is
// wrapped by one schedule at most (two would overwrite each other's factor).
//
// State (get_state/set_state): {"optimizer": <the algorithm's state>,
// "schedule": {"epoch": n, "lr_factor": f, ...subclass counters}}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inference/optim/optim_options.h"
#include "inference/optim/optimizer.h"
#include "inference/optim/per_param_optimizer.h"

namespace kiln::rt {

class LrSchedule : public Optimizer {
 public:
  void step(const NamedParams& params) final { inner().step(params); }
  Value get_state() const final;
  void set_state(const Value& state) final;
  Value lr() const final { return inner().lr(); }
  // "StepLR(Adam({'lr': 0.01}), step_size=10, gamma=0.1)".
  std::string to_string() const final;
  // Adds .optimizer and .step_schedule(loss=None).
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

  // Advances the schedule by one epoch. `loss` is the metric that
  // ReduceLROnPlateau watches (required there); the others ignore it, so a
  // program may pass it to any schedule.
  virtual void step_schedule(std::optional<double> loss) = 0;

  const Value& optimizer() const { return optimizer_; }
  int64_t epoch() const { return epoch_; }
  // What the wrapped algorithm's learning rates are multiplied by.
  double lr_factor() const { return lr_factor_; }

 protected:
  // `optimizer` must come from checked_schedule_target; this schedule claims
  // it. `min_lr` floors the scaled learning rates (ReduceLROnPlateau).
  LrSchedule(Value optimizer, double min_lr);

  // ", step_size=10, gamma=0.1": the settings, for to_string.
  virtual std::string settings() const = 0;
  // Counters beyond epoch and lr_factor, into and out of the "schedule" dict.
  virtual void save_counters(const Value& dict) const {}
  virtual void load_counters(OptionReader& reader) {}

  void next_epoch() { ++epoch_; }
  void set_lr_factor(double factor);
  std::string extra_attributes() const override { return "optimizer, step_schedule(loss=None)"; }

 private:
  PerParamOptimizer& inner() const { return *as_per_param_optimizer(optimizer_); }
  Value schedule_state() const;
  void load_schedule_state(const Value& dict);

  Value optimizer_;
  double min_lr_;
  int64_t epoch_ = 0;
  double lr_factor_ = 1.0;
};

// A schedule builtin's arguments in either form, as the optimizer and a
// dict of the schedule's settings:
//   StepLR(Adam(lr=0.01), 10, gamma=0.5)     -> settings {"step_size": 10, "gamma": 0.5}
//   StepLR({"optimizer": Adam, "optim_args": {"lr": 0.01}, "step_size": 10, "gamma": 0.5})
// `positional` names the settings that may follow the optimizer
// positionally. The optimizer is checked with checked_schedule_target.
struct ScheduleCall {
  Value optimizer;
  Value settings;      // a dict
  std::string noun;    // "argument" (keyword form) or "option" (Pyro's dict), for OptionReader
};
ScheduleCall read_schedule_call(const CallArgs& args, const std::vector<std::string_view>& positional);

// `optimizer` if it is an algorithm no schedule wraps yet; raises KilnError
// naming `schedule` otherwise.
const Value& checked_schedule_target(std::string_view schedule, const Value& optimizer);

}  // namespace kiln::rt
