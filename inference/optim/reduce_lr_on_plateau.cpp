#include "inference/optim/reduce_lr_on_plateau.h"

#include <limits>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

Value builtin_reduce_lr_on_plateau(const CallArgs& args) {
  ScheduleCall call = read_schedule_call(args, {});
  OptionReader reader("ReduceLROnPlateau", call.settings, "", call.noun);
  ReduceLROnPlateau::Settings s;
  s.maximize = reader.choice("mode", "min", {"min", "max"}) == "max";
  s.factor = reader.number("factor", s.factor, OptionRange::kOpenUnitInterval);
  s.patience = reader.integer("patience", s.patience, 0);
  s.threshold = reader.number("threshold", s.threshold, OptionRange::kNonNegative);
  s.relative_threshold = reader.choice("threshold_mode", "rel", {"rel", "abs"}) == "rel";
  s.cooldown = reader.integer("cooldown", s.cooldown, 0);
  s.min_lr = reader.number("min_lr", s.min_lr, OptionRange::kNonNegative);
  reader.finish();
  return make_value(new ReduceLROnPlateau(std::move(call.optimizer), s));
}

void set_entry(const Value& dict, std::string_view key, Value value) {
  dict.as<DictObject>()->set(make_str(std::string(key)), std::move(value));
}

}  // namespace

ReduceLROnPlateau::ReduceLROnPlateau(Value optimizer, Settings settings)
    : LrSchedule(std::move(optimizer), settings.min_lr),
      settings_(settings),
      best_(settings.maximize ? -kInfinity : kInfinity) {}

bool ReduceLROnPlateau::improves(double loss) const {
  const double t = settings_.threshold;
  if (settings_.maximize) return settings_.relative_threshold ? loss > best_ * (1 + t) : loss > best_ + t;
  return settings_.relative_threshold ? loss < best_ * (1 - t) : loss < best_ - t;
}

void ReduceLROnPlateau::step_schedule(std::optional<double> loss) {
  if (!loss)
    raise("ReduceLROnPlateau.step_schedule(): argument 'loss' is required: the schedule watches it",
          "pass the loss of the epoch: loss = svi.step(data); opt.step_schedule(loss)");
  next_epoch();
  if (improves(*loss)) {
    best_ = *loss;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;
  }
  if (num_bad_epochs_ > settings_.patience) {
    set_lr_factor(lr_factor() * settings_.factor);
    cooldown_counter_ = settings_.cooldown;
    num_bad_epochs_ = 0;
  }
}

std::string ReduceLROnPlateau::settings() const {
  return std::string(", mode='") + (settings_.maximize ? "max" : "min") + "', factor=" +
         format_float(settings_.factor) + ", patience=" + std::to_string(settings_.patience) +
         ", threshold=" + format_float(settings_.threshold) + ", threshold_mode='" +
         (settings_.relative_threshold ? "rel" : "abs") + "', cooldown=" + std::to_string(settings_.cooldown) +
         ", min_lr=" + format_float(settings_.min_lr);
}

void ReduceLROnPlateau::save_counters(const Value& dict) const {
  set_entry(dict, "best", Value(best_));
  set_entry(dict, "num_bad_epochs", Value(num_bad_epochs_));
  set_entry(dict, "cooldown_counter", Value(cooldown_counter_));
}

void ReduceLROnPlateau::load_counters(OptionReader& reader) {
  const std::string hint = "set_state takes what get_state() returned";
  const std::optional<double> best = reader.optional_number("best", OptionRange::kNotNan);
  if (!best) reader.missing("best", hint);
  const int64_t bad = reader.integer("num_bad_epochs", -1, 0);
  if (bad < 0) reader.missing("num_bad_epochs", hint);
  const int64_t cooldown = reader.integer("cooldown_counter", -1, 0);
  if (cooldown < 0) reader.missing("cooldown_counter", hint);
  best_ = *best;
  num_bad_epochs_ = bad;
  cooldown_counter_ = cooldown;
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_ReduceLROnPlateau, &guarded<&builtin_reduce_lr_on_plateau>);
}

}  // namespace kiln::rt
