// The Transform base as a runtime object: calling it, its attributes and
// methods as .ppl programs see them, and the helpers of transform_util.h.
#include "stdlib/transforms/transform.h"

#include <ATen/ATen.h>

#include <limits>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

// Transforms are maps of the reals: integer and bool values (t(1),
// t([0, 1])) are converted to the default float dtype, as exp(1) would be.
at::Tensor floating_arg(const CallArgs& args, size_t i, std::string_view name) {
  const at::Tensor t = to_tensor(required_arg(args, i, name), args.callee);
  return at::isFloatingType(t.scalar_type()) ? t : t.to(kDefaultFloat);
}

Value shape_value(const std::vector<int64_t>& shape) {
  return make_tuple(std::vector<Value>(shape.begin(), shape.end()));
}

}  // namespace

void Transform::check_min_dims(const at::Tensor& x, int64_t dims, std::string_view what) const {
  if (x.dim() >= dims) return;
  raise(name() + ": expected a tensor with at least " + std::to_string(dims) + " dim" +
        (dims == 1 ? "" : "s") + " (" + std::string(what) + "), got shape " +
        shape_to_string(x.sizes().vec()));
}

Value Transform::call(const CallArgs& args) {
  const std::string who = name();
  CallArgs named = args;
  named.callee = who;
  return torch_guard(who, [&] {
    check_args(named, 1, 1, "x");
    return make_tensor(forward(floating_arg(named, 0, "x")));
  });
}

Value Transform::get_attr(std::string_view attr) const {
  const Value self(const_cast<Transform*>(this));
  if (attr == "inv") return inverse_transform(self);
  if (attr == "domain") return domain();
  if (attr == "codomain") return codomain();
  if (attr == "sign") return Value(sign());
  if (attr == "bijective") return Value(true);
  if (attr == "event_dim") {
    if (domain_event_dim() == codomain_event_dim()) return Value(domain_event_dim());
    raise(name() + ".event_dim is ambiguous: the domain has " + std::to_string(domain_event_dim()) +
              " event dims and the codomain " + std::to_string(codomain_event_dim()),
          "use .domain.event_dim or .codomain.event_dim");
  }
  if (attr == "log_abs_det_jacobian" || attr == "forward_shape" || attr == "inverse_shape")
    return make_value(new BoundMethodObject(self, std::string(attr)));
  raise("'" + name() + "' has no attribute '" + std::string(attr) + "'");
}

Value Transform::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = name() + "." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  return torch_guard(who, [&]() -> Value {
    if (method == "log_abs_det_jacobian") {
      check_args(named, 2, 2, "x,y");
      return make_tensor(
          log_abs_det_jacobian(floating_arg(named, 0, "x"), floating_arg(named, 1, "y")));
    }
    if (method == "forward_shape" || method == "inverse_shape") {
      check_args(named, 1, 1, "shape");
      const std::vector<int64_t> shape =
          int_list_arg(required_arg(named, 0, "shape"), who, "shape");
      return shape_value(method == "forward_shape" ? forward_shape(shape) : inverse_shape(shape));
    }
    return call_value(get_attr(method), args);
  });
}

const Transform* as_transform(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<const Transform*>(v.obj());
}

at::Tensor sum_rightmost(const at::Tensor& t, int64_t n) {
  if (n == 0) return t;
  KILN_ASSERT(t.dim() >= n, "sum_rightmost: fewer dims than summed");
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= n; ++i) dims.push_back(-i);
  return t.sum(dims);
}

std::vector<int64_t> broadcast_with_params(const std::string& transform,
                                           const std::vector<int64_t>& shape,
                                           std::initializer_list<at::Tensor> params) {
  std::vector<int64_t> out = shape;
  for (const at::Tensor& p : params) {
    try {
      out = at::infer_size(out, p.sizes());
    } catch (const std::exception&) {
      raise(transform + ": shape " + shape_to_string(shape) +
            " does not broadcast with its parameters of shape " + shape_to_string(p.sizes().vec()));
    }
  }
  return out;
}

std::string param_text(const at::Tensor& t) {
  if (t.numel() == 1) return print_scalar(t.detach().reshape({}));
  return "shape " + shape_to_string(t.sizes().vec());
}

FloatLimits float_limits(c10::ScalarType dtype) {
  if (dtype == at::kDouble)
    return {std::numeric_limits<double>::min(), std::numeric_limits<double>::epsilon()};
  if (dtype == at::kHalf || dtype == at::kBFloat16) {
    // Half's tiny is 2^-14 and bfloat16's 2^-126; their epsilons 2^-10 and
    // 2^-7.
    return dtype == at::kHalf ? FloatLimits{6.103515625e-05, 9.765625e-04}
                              : FloatLimits{1.1754943508222875e-38, 7.8125e-03};
  }
  return {std::numeric_limits<float>::min(), std::numeric_limits<float>::epsilon()};
}

Value immortal_value(Value v) {
  make_immortal(v);
  return v;
}

}  // namespace kiln::rt
