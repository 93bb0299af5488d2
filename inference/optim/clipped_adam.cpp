#include "inference/optim/clipped_adam.h"

#include <ATen/ATen.h>

#include <cmath>
#include <tuple>

#include "runtime/builtin_registry.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_clipped_adam(const CallArgs& args) {
  return PerParamOptimizer::create<ClippedAdam>(options_from_call(args));
}

}  // namespace

std::unique_ptr<ParamOptions> ClippedAdam::read_options(OptionReader& reader) const {
  auto options = std::make_unique<Options>();
  options->lr = reader.number("lr", 1e-3, OptionRange::kPositive);
  std::tie(options->beta1, options->beta2) =
      reader.number_pair("betas", {options->beta1, options->beta2}, OptionRange::kUnitInterval);
  options->eps = reader.number("eps", options->eps, OptionRange::kNonNegative);
  options->weight_decay = reader.number("weight_decay", 0.0, OptionRange::kNonNegative);
  options->clip_value = reader.number("clip_norm", options->clip_value, OptionRange::kPositive);
  options->lrd = reader.number("lrd", options->lrd, OptionRange::kPositive);
  reader.finish();
  return options;
}

std::vector<std::string_view> ClippedAdam::buffer_names(const ParamOptions&) const {
  return {"exp_avg", "exp_avg_sq"};
}

std::vector<at::Tensor> ClippedAdam::initial_buffers(const at::Tensor& param, const ParamOptions&) const {
  return {at::zeros_like(param), at::zeros_like(param)};
}

void ClippedAdam::update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& base, double lr,
                         ParamState& state) const {
  const auto& o = static_cast<const Options&>(base);
  at::Tensor g = grad.clamp(-o.clip_value, o.clip_value);
  if (o.weight_decay != 0) g.add_(param, o.weight_decay);
  at::Tensor& exp_avg = state.buffers[0];
  at::Tensor& exp_avg_sq = state.buffers[1];
  const double t = static_cast<double>(state.step);
  const double decayed_lr = lr * std::pow(o.lrd, t);
  const double step_size = decayed_lr * std::sqrt(1 - std::pow(o.beta2, t)) / (1 - std::pow(o.beta1, t));

  exp_avg.lerp_(g, 1 - o.beta1);
  exp_avg_sq.mul_(o.beta2).addcmul_(g, g, 1 - o.beta2);
  param.addcdiv_(exp_avg, exp_avg_sq.sqrt().add_(o.eps), -step_size);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_ClippedAdam, &guarded<&builtin_clipped_adam>); }

}  // namespace kiln::rt
