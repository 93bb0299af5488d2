#include "stdlib/distributions/delta.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "Delta";

std::vector<int64_t> leading(const at::Tensor& v, int64_t event_dim) {
  KILN_ASSERT(event_dim >= 0 && event_dim <= v.dim(), "Delta: event_dim out of range");
  return v.sizes().slice(0, v.dim() - event_dim).vec();
}

std::vector<int64_t> trailing(const at::Tensor& v, int64_t event_dim) {
  return v.sizes().slice(v.dim() - event_dim).vec();
}

// Pyro's Delta has a floating value; an int or bool value is scored as float.
at::Tensor floating(at::Tensor v) {
  return at::isFloatingType(v.scalar_type()) ? v : v.to(at::kFloat);
}

Value builtin_delta(const CallArgs& args) {
  check_args(args, 0, 3, "v,log_density,event_dim");
  return Delta::make(required_arg(args, 0, "v"), optional_arg(args, 1, "log_density"),
                     optional_arg(args, 2, "event_dim"));
}

}  // namespace

Delta::Delta(at::Tensor v, int64_t event_dim, at::Tensor log_density)
    : Distribution(leading(v, event_dim), trailing(v, event_dim), floating(v).scalar_type()),
      v_(floating(std::move(v))) {
  log_density_ = log_density.defined() ? log_density.to(v_.scalar_type())
                                       : at::scalar_tensor(0.0, v_.options());
  log_density_ = log_density_.expand(batch_shape());
}

Value Delta::make(const Value& v, const Value* log_density, const Value* event_dim) {
  const at::Tensor value = broadcast_params(kName, {{"v", &v}})[0];
  const int64_t dims = event_dim ? int_arg(*event_dim, kName, "event_dim") : 0;
  if (dims < 0 || dims > value.dim())
    raise_arg_error(kName, "event_dim must be between 0 and v.dim() = " +
                               std::to_string(value.dim()) + ", got " + std::to_string(dims));
  if (log_density == nullptr) return make_value(new Delta(value, dims));
  const at::Tensor density = broadcast_params(kName, {{"log_density", log_density}})[0];
  const std::vector<int64_t> batch = leading(value, dims);
  bool fits = density.dim() <= static_cast<int64_t>(batch.size());
  for (int64_t i = 1; fits && i <= density.dim(); ++i)
    fits = density.size(-i) == 1 || density.size(-i) == batch[batch.size() - i];
  if (!fits)
    raise_arg_error(kName, "log_density of shape " + shape_to_string(density.sizes().vec()) +
                               " does not broadcast to the batch shape " + shape_to_string(batch));
  return make_value(new Delta(value, dims, density));
}

std::vector<std::pair<std::string_view, at::Tensor>> Delta::params() const {
  return {{"v", v_}, {"log_density", log_density_}};
}

Value Delta::support() const {
  return independent(constraint_of(ConstraintKind::kReal),
                     static_cast<int64_t>(event_shape().size()));
}

at::Tensor Delta::rsample(at::IntArrayRef sample_shape) const {
  return v_.expand(extended_shape(sample_shape));
}

at::Tensor Delta::variance() const { return at::zeros_like(v_); }

at::Tensor Delta::log_prob_impl(const at::Tensor& value) const {
  at::Tensor lp = (value == v_).to(value.scalar_type()).log();
  const int64_t event_dims = static_cast<int64_t>(event_shape().size());
  if (event_dims > 0) {
    std::vector<int64_t> dims;
    for (int64_t i = 1; i <= event_dims; ++i) dims.push_back(-i);
    lp = lp.sum(dims);
  }
  return lp + log_density_;
}

Value Delta::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = batch_shape.vec();
  const std::vector<int64_t>& ev = event_shape();
  shape.insert(shape.end(), ev.begin(), ev.end());
  return make_value(new Delta(v_.expand(shape), static_cast<int64_t>(ev.size()),
                              log_density_.expand(batch_shape)));
}

Value Delta::get_attr(std::string_view attr) const {
  if (attr == "event_dim") return Value(static_cast<int64_t>(event_shape().size()));
  return Distribution::get_attr(attr);
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Delta, &guarded<&builtin_delta>); }

}  // namespace kiln::rt
