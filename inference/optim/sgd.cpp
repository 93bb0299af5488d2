#include "inference/optim/sgd.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_sgd(const CallArgs& args) { return PerParamOptimizer::create<SGD>(options_from_call(args)); }

}  // namespace

std::unique_ptr<ParamOptions> SGD::read_options(OptionReader& reader) const {
  auto options = std::make_unique<Options>();
  const std::optional<double> lr = reader.optional_number("lr", OptionRange::kPositive);
  if (!lr) reader.missing("lr", "SGD has no default learning rate: SGD({\"lr\": 0.01}) or SGD(lr=0.01)");
  options->lr = *lr;
  options->momentum = reader.number("momentum", 0.0, OptionRange::kNonNegative);
  options->dampening = reader.number("dampening", 0.0, OptionRange::kAny);
  options->weight_decay = reader.number("weight_decay", 0.0, OptionRange::kNonNegative);
  options->nesterov = reader.flag("nesterov", false);
  options->clip_norm = reader.optional_number("clip_norm", OptionRange::kPositive);
  reader.finish();
  if (options->nesterov && (options->momentum <= 0 || options->dampening != 0))
    reader.fail("nesterov", "False unless momentum > 0 and dampening = 0",
                "True with momentum " + format_float(options->momentum) + " and dampening " +
                    format_float(options->dampening));
  return options;
}

std::vector<std::string_view> SGD::buffer_names(const ParamOptions& options) const {
  if (static_cast<const Options&>(options).momentum == 0) return {};
  return {"momentum_buffer"};
}

std::vector<at::Tensor> SGD::initial_buffers(const at::Tensor& param, const ParamOptions& options) const {
  if (static_cast<const Options&>(options).momentum == 0) return {};
  return {at::zeros_like(param)};
}

void SGD::update(const at::Tensor& param, const at::Tensor& grad, const ParamOptions& base, double lr,
                 ParamState& state) const {
  const auto& o = static_cast<const Options&>(base);
  at::Tensor direction = o.weight_decay == 0 ? grad : grad.add(param, o.weight_decay);
  if (o.momentum != 0) {
    at::Tensor& buffer = state.buffers[0];
    // The first step starts the buffer at the gradient itself (torch does),
    // not at (1 - dampening) times it.
    if (state.step == 1)
      buffer.copy_(direction);
    else
      buffer.mul_(o.momentum).add_(direction, 1 - o.dampening);
    direction = o.nesterov ? direction.add(buffer, o.momentum) : buffer;
  }
  param.add_(direction, -lr);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_SGD, &guarded<&builtin_sgd>); }

}  // namespace kiln::rt
