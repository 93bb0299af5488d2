#include "inference/optim/lr_schedule.h"

#include <ATen/ATen.h>

#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

void set_entry(const Value& dict, std::string_view key, Value value) {
  dict.as<DictObject>()->set(make_str(std::string(key)), std::move(value));
}

// Pyro's form: {"optimizer": Adam, "optim_args": {...}, <settings>...}.
ScheduleCall read_pyro_form(const std::string& owner, const Value& dict) {
  Value settings = make_dict();
  Value maker = Value::unbound(), optim_args = Value::unbound();
  dict.as<DictObject>()->for_each([&](const Value& key, const Value& value) {
    if (is_str(key) && str_of(key) == "optimizer")
      maker = value;
    else if (is_str(key) && str_of(key) == "optim_args")
      optim_args = value;
    else
      settings.as<DictObject>()->set(key, value);
  });
  if (maker.is_unbound())
    raise(owner + "(): the options dict needs an 'optimizer' entry, such as {\"optimizer\": Adam, "
                  "\"optim_args\": {\"lr\": 0.01}, ...}",
          "or pass an optimizer: " + owner + "(Adam(lr=0.01), ...)");
  if (!is_callable(maker))
    raise(owner + "(): option 'optimizer' must be an optimizer builtin such as Adam, got " + type_name(maker));
  ArgList args;
  if (!optim_args.is_unbound()) args.push(optim_args);
  Value optimizer = call_value(maker, args.view());
  return {checked_schedule_target(owner, optimizer), std::move(settings), "option"};
}

}  // namespace

LrSchedule::LrSchedule(Value optimizer, double min_lr) : optimizer_(std::move(optimizer)), min_lr_(min_lr) {
  inner().set_scheduled();
  inner().set_lr_factor(lr_factor_, min_lr_);
}

void LrSchedule::set_lr_factor(double factor) {
  lr_factor_ = factor;
  inner().set_lr_factor(lr_factor_, min_lr_);
}

Value LrSchedule::schedule_state() const {
  Value dict = make_dict();
  set_entry(dict, "epoch", Value(epoch_));
  set_entry(dict, "lr_factor", Value(lr_factor_));
  save_counters(dict);
  return dict;
}

void LrSchedule::load_schedule_state(const Value& dict) {
  OptionReader reader(std::string(name()) + ".set_state", dict, "", "entry");
  const std::string hint = "set_state takes what get_state() returned";
  const int64_t epoch = reader.integer("epoch", -1, 0);
  if (epoch < 0) reader.missing("epoch", hint);
  const std::optional<double> factor = reader.optional_number("lr_factor", OptionRange::kPositive);
  if (!factor) reader.missing("lr_factor", hint);
  load_counters(reader);
  reader.finish();
  epoch_ = epoch;
  set_lr_factor(*factor);
}

Value LrSchedule::get_state() const {
  Value state = make_dict();
  set_entry(state, "optimizer", inner().get_state());
  set_entry(state, "schedule", schedule_state());
  return state;
}

void LrSchedule::set_state(const Value& state) {
  const std::string owner = std::string(name()) + ".set_state";
  OptionReader top(owner, state, "", "entry");
  const Value optimizer_state = top.raw("optimizer");
  const Value schedule = top.raw("schedule");
  const std::string hint = "a schedule's state is {\"optimizer\": ..., \"schedule\": ...}, as get_state() returns";
  if (optimizer_state.is_unbound()) top.missing("optimizer", hint);
  if (schedule.is_unbound()) top.missing("schedule", hint);
  top.finish();
  // Both halves check their input; the snapshot undoes the schedule's half
  // if the algorithm's half fails, so a failed call changes nothing.
  const Value previous = schedule_state();
  try {
    load_schedule_state(schedule);
    inner().set_state(optimizer_state);
  } catch (...) {
    load_schedule_state(previous);
    throw;
  }
}

std::string LrSchedule::to_string() const {
  return std::string(name()) + "(" + optimizer_.obj()->to_string() + settings() + ")";
}

Value LrSchedule::get_attr(std::string_view attr) const {
  if (attr == "optimizer") return optimizer_;
  if (attr == "step_schedule")
    return make_value(new BoundMethodObject(Value(const_cast<LrSchedule*>(this)), std::string(attr)));
  return Optimizer::get_attr(attr);
}

Value LrSchedule::call_method(std::string_view method, const CallArgs& args) {
  if (method != "step_schedule") return Optimizer::call_method(method, args);
  const std::string who = std::string(name()) + ".step_schedule";
  CallArgs named = args;
  named.callee = who;
  check_args(named, 0, 1, "loss");
  torch_guard(who, [&] {
    const Value* loss = optional_arg(named, 0, "loss");
    step_schedule(loss ? std::optional<double>(float_arg(*loss, who, "loss")) : std::nullopt);
  });
  return Value();
}

const Value& checked_schedule_target(std::string_view schedule, const Value& optimizer) {
  const std::string owner(schedule);
  if (const Optimizer* o = as_optimizer(optimizer); o != nullptr && as_per_param_optimizer(optimizer) == nullptr)
    raise(owner + "(): cannot wrap the schedule " + std::string(o->name()) + "; wrap the optimizer itself",
          "one schedule per optimizer, e.g. " + owner + "(Adam(lr=0.01), ...)");
  PerParamOptimizer* target = as_per_param_optimizer(optimizer);
  if (target == nullptr) raise_arg_type(schedule, "optimizer", "an optimizer such as Adam(lr=0.01)", optimizer);
  if (target->scheduled())
    raise(owner + "(): this " + std::string(target->name()) + " is already wrapped by a schedule",
          "make a new optimizer for each schedule: two schedules would overwrite each other's learning rate");
  return optimizer;
}

ScheduleCall read_schedule_call(const CallArgs& args, const std::vector<std::string_view>& positional) {
  const std::string owner(args.callee);
  if (args.npos == 0) raise_missing_arg(args.callee, "optimizer");
  if (args[0].is(ObjKind::kDict)) {
    if (args.npos > 1 || args.nkw > 0)
      raise(owner + "(): give either one dict of options (Pyro's form) or an optimizer and the settings, "
                    "not both");
    return read_pyro_form(owner, args[0]);
  }
  if (args.npos > 1 + positional.size())
    raise(owner + "() takes at most " + std::to_string(1 + positional.size()) + " positional arguments but " +
          std::to_string(args.npos) + " were given");
  Value settings = make_dict();
  auto* dict = settings.as<DictObject>();
  for (size_t i = 1; i < args.npos; ++i) dict->set(make_str(std::string(positional[i - 1])), args[i]);
  for (size_t k = 0; k < args.nkw; ++k) {
    const Value key = make_str(args.kw_names[k]);
    if (dict->find(key) != nullptr)
      raise(owner + "() got multiple values for argument '" + args.kw_names[k] + "'");
    dict->set(key, args.kw_values[k]);
  }
  return {checked_schedule_target(owner, args[0]), std::move(settings), "argument"};
}

}  // namespace kiln::rt
