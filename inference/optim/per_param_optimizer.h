// The base of the optimization algorithms (Adam, ClippedAdam, SGD, RMSprop,
// Adagrad): like Pyro's PyroOptim, each param is optimized on its own, with
// its own options and state, both keyed by the param's name and made on the
// first step that sees it.
//
// Options come as one dict for every param, or as a .ppl function of the
// param name returning the dict (Pyro's per-parameter options):
//   Adam({"lr": 0.01})
//   Adam(lambda name: {"lr": 0.1 if name.startswith("scale") else 0.01})
// A dict is checked at construction; a function is called once per name, on
// that param's first step (or in set_state), and its answer checked and kept.
//
// What this class does for every algorithm, in step():
//   1. finds each param's options and state (new state: initial_buffers);
//   2. gradient-norm clipping, for params whose options set clip_norm: the
//      grads are scaled by clip_norm / (total + 1e-6) when that is below 1,
//      `total` being the 2-norm of all grads of this step together (torch's
//      clip_grad_norm_ over every param of the step);
//   3. increments the param's step count and calls update().
// Schedules (lr_schedule.h) scale the learning rate through set_lr_factor.
//
// Adding an algorithm: README.md in this folder.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "inference/optim/optim_options.h"
#include "inference/optim/optimizer.h"

namespace kiln::rt {

// The options every algorithm has; each algorithm derives its own struct.
struct ParamOptions {
  virtual ~ParamOptions() = default;
  double lr = 0;
  std::optional<double> clip_norm;  // total-norm clipping threshold; none: no clipping
};

// What an algorithm keeps for one param between steps.
struct ParamState {
  int64_t step = 0;                 // updates made, the current one included during update()
  std::vector<at::Tensor> buffers;  // named by buffer_names(), same shape as the param
};

class PerParamOptimizer : public Optimizer {
 public:
  void step(const NamedParams& params) final;
  Value get_state() const final;
  void set_state(const Value& state) final;
  Value lr() const final;
  // "Adam({'lr': 0.01})", "Adam(<per-parameter options>)".
  std::string to_string() const final;

  // The learning rate of a param becomes
  //   max(options.lr * factor, min(min_lr, options.lr))
  // which is what repeated torch reductions lr = max(lr * f, min_lr) reach,
  // including their refusal to raise an lr that starts below min_lr.
  void set_lr_factor(double factor, double min_lr);
  // A schedule claims the optimizer, so two schedules cannot fight over its
  // factor.
  bool scheduled() const { return scheduled_; }
  void set_scheduled() { scheduled_ = true; }

  // Makes an algorithm from its builtin's options value (options_from_call):
  // None, a dict or a function of the param name. A dict is checked now.
  template <class Algorithm>
  static Value create(Value options) {
    auto* optimizer = new Algorithm(std::move(options));
    Value held = make_value(optimizer);  // freed by `held` if the check throws
    optimizer->resolve_fixed_options();
    return held;
  }

 protected:
  explicit PerParamOptimizer(Value options) : options_(std::move(options)) {}

  // Reads and checks the algorithm's options (with the reader's finish()).
  virtual std::unique_ptr<ParamOptions> read_options(OptionReader& reader) const = 0;
  // Names of the state tensors, for get_state/set_state ("exp_avg", ...).
  virtual std::vector<std::string_view> buffer_names(const ParamOptions& options) const = 0;
  // The state tensors of a param not stepped yet, in buffer_names() order.
  virtual std::vector<at::Tensor> initial_buffers(const at::Tensor& param, const ParamOptions& options) const = 0;
  // One update of `param` in place (gradients are off). `grad` is already
  // clipped, `lr` already scheduled, state.step already counts this update.
  virtual void update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& options, double lr,
                      ParamState& state) const = 0;

 private:
  struct Slot {
    std::shared_ptr<const ParamOptions> options;
    std::optional<ParamState> state;
    bool loaded = false;  // state came from set_state: shapes not yet checked against the param
  };

  void resolve_fixed_options();
  bool per_param() const;
  std::shared_ptr<const ParamOptions> read_options_for(const std::string& param) const;
  Slot& slot(const std::string& name);
  double effective_lr(const ParamOptions& options) const;
  // Matches a state from set_state to its param (shape checked, dtype and
  // device converted), on its first step.
  void adopt_loaded_state(const std::string& name, const at::Tensor& param, Slot& slot) const;
  ParamState read_param_state(const std::string& name, const Value& entry, const ParamOptions& options) const;

  Value options_;  // None, a dict, or a function of the param name
  std::shared_ptr<const ParamOptions> fixed_options_;  // when options_ is not a function
  std::unordered_map<std::string, Slot> slots_;
  std::vector<std::string> order_;  // slot names in first-seen order, for get_state and lr
  double lr_factor_ = 1.0, min_lr_ = 0.0;
  bool scheduled_ = false;
};

// The algorithm held by `v`, or null.
PerParamOptimizer* as_per_param_optimizer(const Value& v);

}  // namespace kiln::rt
