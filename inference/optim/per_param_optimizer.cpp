#include "inference/optim/per_param_optimizer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"

namespace kiln::rt {

namespace {

// torch's clip_grad_norm_ divides by total + 1e-6, so all-zero gradients
// give a finite (and then unused) coefficient instead of 0/0.
constexpr double kClipNormEpsilon = 1e-6;

void set_entry(const Value& dict, const std::string& key, Value value) {
  dict.as<DictObject>()->set(make_str(key), std::move(value));
}

}  // namespace

bool PerParamOptimizer::per_param() const { return !options_.is_none() && !options_.is(ObjKind::kDict); }

void PerParamOptimizer::resolve_fixed_options() {
  if (per_param()) return;
  OptionReader reader(std::string(name()), options_);
  fixed_options_ = read_options(reader);
}

std::shared_ptr<const ParamOptions> PerParamOptimizer::read_options_for(const std::string& param) const {
  const Value options = call_value(options_, ArgList{make_str(param)}.view());
  OptionReader reader(std::string(name()), options, param);
  return read_options(reader);
}

PerParamOptimizer::Slot& PerParamOptimizer::slot(const std::string& name) {
  if (auto it = slots_.find(name); it != slots_.end()) return it->second;
  Slot fresh;
  fresh.options = per_param() ? read_options_for(name) : fixed_options_;
  Slot& made = slots_.emplace(name, std::move(fresh)).first->second;
  order_.push_back(name);
  return made;
}

double PerParamOptimizer::effective_lr(const ParamOptions& options) const {
  return std::max(options.lr * lr_factor_, std::min(min_lr_, options.lr));
}

void PerParamOptimizer::set_lr_factor(double factor, double min_lr) {
  lr_factor_ = factor;
  min_lr_ = min_lr;
}

void PerParamOptimizer::adopt_loaded_state(const std::string& param_name, const at::Tensor& param,
                                           Slot& s) const {
  for (at::Tensor& buffer : s.state->buffers) {
    if (buffer.sizes() != param.sizes())
      raise(std::string(name()) + ".step(): the state of param '" + param_name + "' (from set_state) has shape " +
                shape_to_string(buffer.sizes().vec()) + " but the param has shape " +
                shape_to_string(param.sizes().vec()),
            "set_state takes the get_state() of an optimizer that stepped the same params");
  }
  for (at::Tensor& buffer : s.state->buffers)
    if (buffer.scalar_type() != param.scalar_type() || buffer.device() != param.device())
      buffer = buffer.to(param.device(), param.scalar_type());
  s.loaded = false;
}

void PerParamOptimizer::step(const NamedParams& params) {
  at::NoGradGuard no_grad;
  struct Pending {
    const at::Tensor* param;
    at::Tensor grad;
    Slot* slot;  // unordered_map nodes do not move, so the pointer stays valid
  };
  std::vector<Pending> pending;
  pending.reserve(params.size());
  bool clipping = false;
  // Everything that can fail on user input happens in this first pass, so a
  // failed step updates nothing.
  for (const auto& [param_name, param] : params) {
    const at::Tensor& grad = param.grad();
    if (!grad.defined()) continue;
    Slot& s = slot(param_name);
    if (s.loaded) adopt_loaded_state(param_name, param, s);
    clipping = clipping || s.options->clip_norm.has_value();
    pending.push_back({&param, grad, &s});
  }
  if (clipping) {
    double total_sq = 0;
    for (const Pending& p : pending) total_sq += std::pow(p.grad.norm().item<double>(), 2);
    const double total = std::sqrt(total_sq);
    for (Pending& p : pending) {
      if (!p.slot->options->clip_norm) continue;
      const double coefficient = *p.slot->options->clip_norm / (total + kClipNormEpsilon);
      if (coefficient < 1) p.grad = p.grad * coefficient;
    }
  }
  for (Pending& p : pending) {
    const ParamOptions& options = *p.slot->options;
    if (!p.slot->state) p.slot->state = ParamState{0, initial_buffers(*p.param, options)};
    ParamState& state = *p.slot->state;
    ++state.step;
    update(*p.param, p.grad, options, effective_lr(options), state);
  }
}

Value PerParamOptimizer::get_state() const {
  Value out = make_dict();
  for (const std::string& param_name : order_) {
    const Slot& s = slots_.at(param_name);
    if (!s.state) continue;
    Value entry = make_dict();
    set_entry(entry, "step", Value(s.state->step));
    const std::vector<std::string_view> names = buffer_names(*s.options);
    for (size_t i = 0; i < names.size(); ++i)
      set_entry(entry, std::string(names[i]), make_tensor(s.state->buffers[i].detach().clone()));
    set_entry(out, param_name, entry);
  }
  return out;
}

ParamState PerParamOptimizer::read_param_state(const std::string& param_name, const Value& entry,
                                               const ParamOptions& options) const {
  const std::vector<std::string_view> names = buffer_names(options);
  std::string expected = "step";
  for (std::string_view n : names) expected += ", " + std::string(n);
  const std::string owner = std::string(name()) + ".set_state";
  if (!entry.is(ObjKind::kDict))
    raise(owner + "(): the state of param '" + param_name + "' must be a dict with " + expected + ", got " +
          rt::type_name(entry));
  OptionReader reader(owner, entry, param_name, "entry");
  const std::string hint = "the state of a " + std::string(name()) + " param has " + expected;
  ParamState state;
  state.step = reader.integer("step", -1, 0);
  if (state.step < 0) reader.missing("step", hint);
  for (std::string_view n : names) {
    const Value v = reader.raw(n);
    if (v.is_unbound()) reader.missing(n, hint);
    if (!is_tensor(v)) reader.fail(n, "a tensor", rt::type_name(v));
    state.buffers.push_back(tensor_of(v).detach().clone());
  }
  reader.finish();
  return state;
}

void PerParamOptimizer::set_state(const Value& state) {
  const std::string owner = std::string(name()) + ".set_state";
  if (!state.is(ObjKind::kDict))
    raise(owner + "(): the state must be a dict of param name -> state dict, as get_state() returns, got " +
          rt::type_name(state));
  std::vector<std::pair<std::string, ParamState>> loaded;
  state.as<DictObject>()->for_each([&](const Value& key, const Value& entry) {
    if (!is_str(key)) raise(owner + "(): the state's keys must be param names (str), got " + rt::type_name(key));
    const std::string& param_name = str_of(key);
    loaded.emplace_back(param_name, read_param_state(param_name, entry, *slot(param_name).options));
  });
  for (auto& [param_name, s] : slots_) {
    s.state.reset();
    s.loaded = false;
  }
  for (auto& [param_name, param_state] : loaded) {
    Slot& s = slots_.at(param_name);
    s.state = std::move(param_state);
    s.loaded = true;
  }
}

Value PerParamOptimizer::lr() const {
  if (!per_param()) return Value(effective_lr(*fixed_options_));
  Value out = make_dict();
  for (const std::string& param_name : order_)
    set_entry(out, param_name, Value(effective_lr(*slots_.at(param_name).options)));
  return out;
}

std::string PerParamOptimizer::to_string() const {
  if (options_.is_none()) return std::string(name()) + "()";
  if (per_param()) return std::string(name()) + "(<options per param from " + to_str(options_) + ">)";
  return std::string(name()) + "(" + to_repr(options_) + ")";
}

PerParamOptimizer* as_per_param_optimizer(const Value& v) {
  return v.is(ObjKind::kNative) ? dynamic_cast<PerParamOptimizer*>(v.obj()) : nullptr;
}

}  // namespace kiln::rt
