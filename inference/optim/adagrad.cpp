#include "inference/optim/adagrad.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_adagrad(const CallArgs& args) { return PerParamOptimizer::create<Adagrad>(options_from_call(args)); }

}  // namespace

std::unique_ptr<ParamOptions> Adagrad::read_options(OptionReader& reader) const {
  auto options = std::make_unique<Options>();
  options->lr = reader.number("lr", 1e-2, OptionRange::kPositive);
  options->lr_decay = reader.number("lr_decay", 0.0, OptionRange::kNonNegative);
  options->weight_decay = reader.number("weight_decay", 0.0, OptionRange::kNonNegative);
  options->initial_accumulator_value =
      reader.number("initial_accumulator_value", 0.0, OptionRange::kNonNegative);
  options->eps = reader.number("eps", options->eps, OptionRange::kNonNegative);
  options->clip_norm = reader.optional_number("clip_norm", OptionRange::kPositive);
  reader.finish();
  return options;
}

std::vector<std::string_view> Adagrad::buffer_names(const ParamOptions&) const { return {"sum"}; }

std::vector<at::Tensor> Adagrad::initial_buffers(const at::Tensor& param, const ParamOptions& base) const {
  const auto& o = static_cast<const Options&>(base);
  return {at::full_like(param, o.initial_accumulator_value)};
}

void Adagrad::update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& base, double lr,
                     ParamState& state) const {
  const auto& o = static_cast<const Options&>(base);
  const at::Tensor g = o.weight_decay == 0 ? grad : grad.add(param, o.weight_decay);
  const double decayed_lr = lr / (1 + static_cast<double>(state.step - 1) * o.lr_decay);
  at::Tensor& sum = state.buffers[0];
  sum.addcmul_(g, g, 1);
  param.addcdiv_(g, sum.sqrt().add_(o.eps), -decayed_lr);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Adagrad, &guarded<&builtin_adagrad>); }

}  // namespace kiln::rt
