// Making tensors: tensor(data), zeros, ones, full, randn, rand, arange,
// linspace and eye. Dtypes default as in PyTorch: float32 for floats and
// float-valued ranges, int64 for ints, bool for bools. Random draws come from
// the global generator (stdlib/random.h).
#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/random.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

at::TensorOptions options(const CallArgs& args, at::ScalarType fallback) {
  return at::TensorOptions().dtype(dtype_arg(args.kw("dtype"), args.callee).value_or(fallback));
}

Value builtin_tensor(const CallArgs& args) {
  check_args(args, 1, 1, "dtype,requires_grad");
  const Value& data = args[0];
  const auto dtype = dtype_arg(args.kw("dtype"), args.callee);
  at::Tensor t = dtype ? to_tensor(data, args.callee, *dtype) : to_tensor(data, args.callee);
  // As torch.tensor: a tensor argument is copied, not aliased.
  if (is_tensor(data)) t = t.detach().clone();
  if (bool_kw(args, "requires_grad", false)) {
    if (!at::isFloatingType(t.scalar_type()))
      raise_arg_error(args.callee, "only floating-point tensors can require gradients");
    t = t.detach().requires_grad_(true);
  }
  return make_tensor(std::move(t));
}

template <int Fill>
Value builtin_filled(const CallArgs& args) {
  check_args(args, 0, -1, "dtype");
  const std::vector<int64_t> shape = shape_args(args, 0, args.callee);
  const at::TensorOptions opts = options(args, kDefaultFloat);
  return make_tensor(Fill == 0 ? at::zeros(shape, opts) : at::ones(shape, opts));
}

Value builtin_full(const CallArgs& args) {
  check_args(args, 2, 2, "dtype");
  const std::vector<int64_t> shape = int_list_arg(args[0], args.callee, "size");
  const Value& v = args[1];
  if (!v.is_number()) raise_arg_type(args.callee, "fill_value", "a number", v);
  const at::ScalarType inferred = v.is_float() ? kDefaultFloat : v.is_int() ? at::kLong : at::kBool;
  const at::Scalar fill = v.is_float() ? at::Scalar(v.as_float())
                          : v.is_int() ? at::Scalar(v.as_int())
                                       : at::Scalar(v.as_bool());
  return make_tensor(at::full(shape, fill, options(args, inferred)));
}

template <bool Normal>
Value builtin_random(const CallArgs& args) {
  check_args(args, 0, -1, "dtype");
  const std::vector<int64_t> shape = shape_args(args, 0, args.callee);
  const at::TensorOptions opts = options(args, kDefaultFloat);
  if (!at::isFloatingType(opts.dtype().toScalarType()))
    raise_arg_error(args.callee, "dtype must be a floating-point dtype");
  const at::Generator gen = global_generator();
  return make_tensor(Normal ? at::randn(shape, gen, opts) : at::rand(shape, gen, opts));
}

Value builtin_arange(const CallArgs& args) {
  check_args(args, 1, 3, "dtype");
  bool all_int = true;
  for (size_t i = 0; i < args.npos; ++i) {
    if (!args[i].is_number()) raise_arg_type(args.callee, "start/stop/step", "a number", args[i]);
    all_int = all_int && !args[i].is_float();
  }
  auto scalar = [](const Value& v) {
    return v.is_float() ? at::Scalar(v.as_float()) : at::Scalar(v.as_int());
  };
  const at::Scalar start = args.npos == 1 ? at::Scalar(int64_t{0}) : scalar(args[0]);
  const at::Scalar stop = scalar(args.npos == 1 ? args[0] : args[1]);
  const at::Scalar step = args.npos == 3 ? scalar(args[2]) : at::Scalar(int64_t{1});
  if (step.toDouble() == 0) raise_arg_error(args.callee, "step must not be zero");
  return make_tensor(
      at::arange(start, stop, step, options(args, all_int ? at::kLong : kDefaultFloat)));
}

Value builtin_linspace(const CallArgs& args) {
  check_args(args, 3, 3, "dtype");
  const double start = float_arg(args[0], args.callee, "start");
  const double stop = float_arg(args[1], args.callee, "end");
  const int64_t steps = int_arg(args[2], args.callee, "steps");
  if (steps < 0) raise_arg_error(args.callee, "steps must be non-negative");
  return make_tensor(at::linspace(start, stop, steps, options(args, kDefaultFloat)));
}

Value builtin_eye(const CallArgs& args) {
  check_args(args, 1, 2, "dtype");
  const int64_t n = int_arg(args[0], args.callee, "n");
  const int64_t m = args.npos == 2 ? int_arg(args[1], args.callee, "m") : n;
  if (n < 0 || m < 0) raise_arg_error(args.callee, "sizes must be non-negative");
  return make_tensor(at::eye(n, m, options(args, kDefaultFloat)));
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_tensor, &guarded<&builtin_tensor>);
  register_builtin(BuiltinId::k_zeros, &guarded<&builtin_filled<0>>);
  register_builtin(BuiltinId::k_ones, &guarded<&builtin_filled<1>>);
  register_builtin(BuiltinId::k_full, &guarded<&builtin_full>);
  register_builtin(BuiltinId::k_randn, &guarded<&builtin_random<true>>);
  register_builtin(BuiltinId::k_rand, &guarded<&builtin_random<false>>);
  register_builtin(BuiltinId::k_arange, &guarded<&builtin_arange>);
  register_builtin(BuiltinId::k_linspace, &guarded<&builtin_linspace>);
  register_builtin(BuiltinId::k_eye, &guarded<&builtin_eye>);
}

}  // namespace kiln::rt
