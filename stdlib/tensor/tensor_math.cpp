// Elementwise math: the builtins exp, log, ..., floor, ceil (Python floats in,
// Python numbers out, with Python's "math domain error"; tensors in, tensors
// out), their method forms, clamp, where and masked_fill.
#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/tensor_methods.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

[[noreturn]] void domain_error() { raise("math domain error"); }

double exp_number(double x) {
  const double y = std::exp(x);
  if (std::isinf(y) && std::isfinite(x)) raise("math range error");
  return y;
}
double log_number(double x) {
  if (x <= 0) domain_error();
  return std::log(x);
}
double log1p_number(double x) {
  if (x <= -1) domain_error();
  return std::log1p(x);
}
double sqrt_number(double x) {
  if (x < 0) domain_error();
  return std::sqrt(x);
}
double sigmoid_number(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}
// log(1 + exp(x)) without overflow for large x.
double softplus_number(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }
double tanh_number(double x) { return std::tanh(x); }
double relu_number(double x) { return x > 0 ? x : 0.0; }
double sin_number(double x) {
  if (std::isinf(x)) domain_error();
  return std::sin(x);
}
double cos_number(double x) {
  if (std::isinf(x)) domain_error();
  return std::cos(x);
}

struct UnaryMath {
  const char* name;
  at::Tensor (*on_tensor)(const at::Tensor&);
  double (*on_number)(double);  // null: floor/ceil, which return ints
};

const UnaryMath kUnaryMath[] = {
    {"exp", [](const at::Tensor& x) { return at::exp(x); }, &exp_number},
    {"log", [](const at::Tensor& x) { return at::log(x); }, &log_number},
    {"log1p", [](const at::Tensor& x) { return at::log1p(x); }, &log1p_number},
    {"sqrt", [](const at::Tensor& x) { return at::sqrt(x); }, &sqrt_number},
    {"sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); }, &sigmoid_number},
    {"softplus", [](const at::Tensor& x) { return at::softplus(x); }, &softplus_number},
    {"tanh", [](const at::Tensor& x) { return at::tanh(x); }, &tanh_number},
    {"relu", [](const at::Tensor& x) { return at::relu(x); }, &relu_number},
    {"sin", [](const at::Tensor& x) { return at::sin(x); }, &sin_number},
    {"cos", [](const at::Tensor& x) { return at::cos(x); }, &cos_number},
    {"floor", [](const at::Tensor& x) { return at::floor(x); }, nullptr},
    {"ceil", [](const at::Tensor& x) { return at::ceil(x); }, nullptr},
};
constexpr size_t kFloorIndex = 10;

// floor/ceil of a Python number: an int, as Python's math.floor.
Value round_to_int(double x, bool up) {
  if (std::isnan(x)) raise("cannot convert float nan to integer");
  if (std::isinf(x)) raise("cannot convert float infinity to integer");
  const double r = up ? std::ceil(x) : std::floor(x);
  if (std::fabs(r) >= 9.2233720368547758e18) raise("integer overflow: " + format_float(r));
  return Value(static_cast<int64_t>(r));
}

template <size_t I>
Value builtin_unary(const CallArgs& args) {
  const UnaryMath& m = kUnaryMath[I];
  check_args(args, 1, 1, "");
  const Value& x = args[0];
  if (is_tensor(x)) return make_tensor(m.on_tensor(tensor_of(x)));
  if (!x.is_number()) raise_arg_type(m.name, "x", "a number or a tensor", x);
  if (m.on_number == nullptr) {
    if (x.is_int() || x.is_bool()) return Value(x.as_int());
    return round_to_int(x.as_float(), I != kFloorIndex);
  }
  return Value(m.on_number(x.to_double()));
}

template <size_t I>
Value method_unary(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(kUnaryMath[I].on_tensor(tensor_of(self)));
}

template <at::Tensor (*F)(const at::Tensor&)>
Value method_elementwise(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(F(tensor_of(self)));
}

at::Tensor neg_op(const at::Tensor& x) { return at::neg(x); }
at::Tensor abs_op(const at::Tensor& x) { return at::abs(x); }
at::Tensor square_op(const at::Tensor& x) { return at::square(x); }
at::Tensor rsqrt_op(const at::Tensor& x) { return at::rsqrt(x); }
at::Tensor expm1_op(const at::Tensor& x) { return at::expm1(x); }
at::Tensor lgamma_op(const at::Tensor& x) { return at::lgamma(x); }
at::Tensor digamma_op(const at::Tensor& x) { return at::digamma(x); }
at::Tensor erf_op(const at::Tensor& x) { return at::erf(x); }
at::Tensor sign_op(const at::Tensor& x) { return at::sign(x); }
at::Tensor reciprocal_op(const at::Tensor& x) { return at::reciprocal(x); }
at::Tensor logical_not_op(const at::Tensor& x) { return at::logical_not(x); }
at::Tensor isnan_op(const at::Tensor& x) { return at::isnan(x); }

Value m_round(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "decimals");
  const Value* d = optional_arg(a, 0, "decimals");
  const at::Tensor& x = tensor_of(self);
  return make_tensor(d ? at::round(x, int_arg(*d, a.callee, "decimals")) : at::round(x));
}

// A number or tensor operand of a mixed elementwise op, promoted as Python
// scalars are (see tensor_ops.cpp).
at::Tensor operand(const Value& v, std::string_view callee, std::string_view arg) {
  if (v.is_float()) return at::native::wrapped_scalar_tensor(at::Scalar(v.as_float()));
  if (v.is_int()) return at::native::wrapped_scalar_tensor(at::Scalar(v.as_int()));
  if (v.is_bool()) return at::native::wrapped_scalar_tensor(at::Scalar(v.as_bool()));
  if (is_tensor(v)) return tensor_of(v);
  raise_arg_type(callee, arg, "a number or a tensor", v);
}

// x.clamp(min=None, max=None); the builtin clamp also takes numbers.
Value m_clamp(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "min,max");
  const Value* lo = optional_arg(a, 0, "min");
  const Value* hi = optional_arg(a, 1, "max");
  if (!lo && !hi) raise_arg_error(a.callee, "at least one of 'min' and 'max' must be given");
  const at::Tensor& x = tensor_of(self);
  if ((lo == nullptr || lo->is_number()) && (hi == nullptr || hi->is_number())) {
    if (lo && hi) return make_tensor(at::clamp(x, lo->to_double(), hi->to_double()));
    if (lo) return make_tensor(at::clamp_min(x, lo->to_double()));
    return make_tensor(at::clamp_max(x, hi->to_double()));
  }
  c10::optional<at::Tensor> l, h;
  if (lo) l = operand(*lo, a.callee, "min");
  if (hi) h = operand(*hi, a.callee, "max");
  return make_tensor(at::clamp(x, l, h));
}

Value builtin_clamp(const CallArgs& args) {
  if (args.npos > 0 && args[0].is_number()) {
    check_args(args, 1, 3, "min,max");
    const Value* lo = optional_arg(args, 1, "min");
    const Value* hi = optional_arg(args, 2, "max");
    if ((lo && !lo->is_number()) || (hi && !hi->is_number())) {
      return call_as_builtin(&m_clamp, args);
    }
    double x = args[0].to_double();
    if (lo) x = std::max(x, lo->to_double());
    if (hi) x = std::min(x, hi->to_double());
    return Value(x);
  }
  return call_as_builtin(&m_clamp, args);
}

at::Tensor where_op(const at::Tensor& cond, const at::Tensor& a, const at::Tensor& b) {
  const at::ScalarType t = at::result_type(a, b);
  return at::where(cond.to(at::kBool), a.to(t), b.to(t));
}

Value builtin_where(const CallArgs& args) {
  check_args(args, 3, 3, "");
  const at::Tensor cond = to_tensor(args[0], "where");
  return make_tensor(where_op(cond, operand(args[1], args.callee, "input"),
                              operand(args[2], args.callee, "other")));
}

Value m_where(const Value& self, const CallArgs& a) {
  check_args(a, 2, 2, "");
  return make_tensor(
      where_op(to_tensor(a[0], "where"), tensor_of(self), operand(a[1], a.callee, "other")));
}

Value m_masked_fill(const Value& self, const CallArgs& a) {
  check_args(a, 2, 2, "");
  const at::Tensor mask = to_tensor(a[0], "masked_fill").to(at::kBool);
  if (is_tensor(a[1])) return make_tensor(tensor_of(self).masked_fill(mask, tensor_of(a[1])));
  return make_tensor(tensor_of(self).masked_fill(mask, float_arg(a[1], a.callee, "value")));
}

template <size_t... I>
void register_unary(std::index_sequence<I...>) {
  (register_builtin(static_cast<BuiltinId>(*find_builtin(kUnaryMath[I].name)),
                    &guarded<&builtin_unary<I>>),
   ...);
  (register_tensor_method(kUnaryMath[I].name, &method_unary<I>), ...);
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_unary(std::make_index_sequence<std::size(kUnaryMath)>());
  register_builtin(BuiltinId::k_clamp, &guarded<&builtin_clamp>);
  register_builtin(BuiltinId::k_where, &guarded<&builtin_where>);
  register_tensor_method("clamp", &m_clamp);
  register_tensor_method("where", &m_where);
  register_tensor_method("masked_fill", &m_masked_fill);
  register_tensor_method("round", &m_round);
  register_tensor_method("neg", &method_elementwise<&neg_op>);
  register_tensor_method("abs", &method_elementwise<&abs_op>);
  register_tensor_method("square", &method_elementwise<&square_op>);
  register_tensor_method("rsqrt", &method_elementwise<&rsqrt_op>);
  register_tensor_method("expm1", &method_elementwise<&expm1_op>);
  register_tensor_method("lgamma", &method_elementwise<&lgamma_op>);
  register_tensor_method("digamma", &method_elementwise<&digamma_op>);
  register_tensor_method("erf", &method_elementwise<&erf_op>);
  register_tensor_method("sign", &method_elementwise<&sign_op>);
  register_tensor_method("reciprocal", &method_elementwise<&reciprocal_op>);
  register_tensor_method("logical_not", &method_elementwise<&logical_not_op>);
  register_tensor_method("isnan", &method_elementwise<&isnan_op>);
}

}  // namespace kiln::rt
