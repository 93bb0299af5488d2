#include "inference/optim/adam.h"

#include <ATen/ATen.h>

#include <cmath>
#include <tuple>

#include "runtime/builtin_registry.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_adam(const CallArgs& args) { return PerParamOptimizer::create<Adam>(options_from_call(args)); }

}  // namespace

std::unique_ptr<ParamOptions> Adam::read_options(OptionReader& reader) const {
  auto options = std::make_unique<Options>();
  options->lr = reader.number("lr", 1e-3, OptionRange::kPositive);
  std::tie(options->beta1, options->beta2) =
      reader.number_pair("betas", {options->beta1, options->beta2}, OptionRange::kUnitInterval);
  options->eps = reader.number("eps", options->eps, OptionRange::kNonNegative);
  options->weight_decay = reader.number("weight_decay", 0.0, OptionRange::kNonNegative);
  options->amsgrad = reader.flag("amsgrad", false);
  options->clip_norm = reader.optional_number("clip_norm", OptionRange::kPositive);
  reader.finish();
  return options;
}

std::vector<std::string_view> Adam::buffer_names(const ParamOptions& options) const {
  if (static_cast<const Options&>(options).amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

std::vector<at::Tensor> Adam::initial_buffers(const at::Tensor& param, const ParamOptions& options) const {
  std::vector<at::Tensor> buffers;
  for (size_t i = 0; i < buffer_names(options).size(); ++i)
    buffers.push_back(at::zeros_like(param));
  return buffers;
}

void Adam::update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& base, double lr,
                  ParamState& state) const {
  const auto& o = static_cast<const Options&>(base);
  const at::Tensor g = o.weight_decay == 0 ? grad : grad.add(param, o.weight_decay);
  at::Tensor& exp_avg = state.buffers[0];
  at::Tensor& exp_avg_sq = state.buffers[1];
  const double t = static_cast<double>(state.step);
  const double bias_correction1 = 1 - std::pow(o.beta1, t);
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(o.beta2, t));

  exp_avg.lerp_(g, 1 - o.beta1);
  exp_avg_sq.mul_(o.beta2).addcmul_(g, g, 1 - o.beta2);
  at::Tensor second_moment = exp_avg_sq;
  if (o.amsgrad) {
    at::maximum_out(state.buffers[2], state.buffers[2], exp_avg_sq);
    second_moment = state.buffers[2];
  }
  const at::Tensor denominator = second_moment.sqrt().div_(bias_correction2_sqrt).add_(o.eps);
  param.addcdiv_(exp_avg, denominator, -lr / bias_correction1);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Adam, &guarded<&builtin_adam>); }

}  // namespace kiln::rt
