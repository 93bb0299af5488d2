#include "inference/optim/rmsprop.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_rmsprop(const CallArgs& args) { return PerParamOptimizer::create<RMSprop>(options_from_call(args)); }

}  // namespace

std::unique_ptr<ParamOptions> RMSprop::read_options(OptionReader& reader) const {
  auto options = std::make_unique<Options>();
  options->lr = reader.number("lr", 1e-2, OptionRange::kPositive);
  options->alpha = reader.number("alpha", options->alpha, OptionRange::kUnitInterval);
  options->eps = reader.number("eps", options->eps, OptionRange::kNonNegative);
  options->weight_decay = reader.number("weight_decay", 0.0, OptionRange::kNonNegative);
  options->momentum = reader.number("momentum", 0.0, OptionRange::kNonNegative);
  options->centered = reader.flag("centered", false);
  options->clip_norm = reader.optional_number("clip_norm", OptionRange::kPositive);
  reader.finish();
  return options;
}

// The buffers' order: square_avg, then momentum_buffer if momentum > 0, then
// grad_avg if centered; update() indexes them the same way.
std::vector<std::string_view> RMSprop::buffer_names(const ParamOptions& base) const {
  const auto& o = static_cast<const Options&>(base);
  std::vector<std::string_view> names = {"square_avg"};
  if (o.momentum > 0) names.push_back("momentum_buffer");
  if (o.centered) names.push_back("grad_avg");
  return names;
}

std::vector<at::Tensor> RMSprop::initial_buffers(const at::Tensor& param, const ParamOptions& options) const {
  std::vector<at::Tensor> buffers;
  for (size_t i = 0; i < buffer_names(options).size(); ++i)
    buffers.push_back(at::zeros_like(param));
  return buffers;
}

void RMSprop::update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& base, double lr,
                     ParamState& state) const {
  const auto& o = static_cast<const Options&>(base);
  const at::Tensor g = o.weight_decay == 0 ? grad : grad.add(param, o.weight_decay);
  at::Tensor& square_avg = state.buffers[0];
  square_avg.mul_(o.alpha).addcmul_(g, g, 1 - o.alpha);
  at::Tensor rms;
  if (o.centered) {
    at::Tensor& grad_avg = state.buffers.back();
    grad_avg.lerp_(g, 1 - o.alpha);
    rms = square_avg.addcmul(grad_avg, grad_avg, -1).sqrt_().add_(o.eps);
  } else {
    rms = square_avg.sqrt().add_(o.eps);
  }
  if (o.momentum > 0) {
    at::Tensor& buffer = state.buffers[1];
    buffer.mul_(o.momentum).addcdiv_(g, rms);
    param.add_(buffer, -lr);
  } else {
    param.addcdiv_(g, rms, -lr);
  }
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_RMSprop, &guarded<&builtin_rmsprop>); }

}  // namespace kiln::rt
