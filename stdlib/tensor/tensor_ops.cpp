// Operators on tensor values (tensor_hooks.h): arithmetic, comparison, unary
// operators and truth. A Python number operand is a "wrapped number" tensor,
// so it takes part in type promotion as a Python scalar does in PyTorch:
// int64 tensor + 1.5 gives float32 and float64 tensor + 1.5 stays float64.
#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>

#include "runtime/errors.h"
#include "runtime/tensor_hooks.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/tensor/wrapped_number.h"

namespace kiln::rt {

namespace {

const char* op_symbol(ir::Op op) {
  switch (op) {
    case ir::Op::Add:
      return "+";
    case ir::Op::Sub:
      return "-";
    case ir::Op::Mul:
      return "*";
    case ir::Op::Div:
      return "/";
    case ir::Op::FloorDiv:
      return "//";
    case ir::Op::Mod:
      return "%";
    case ir::Op::Pow:
      return "**";
    case ir::Op::MatMul:
      return "@";
    case ir::Op::Eq:
      return "==";
    case ir::Op::Ne:
      return "!=";
    case ir::Op::Lt:
      return "<";
    case ir::Op::Le:
      return "<=";
    case ir::Op::Gt:
      return ">";
    case ir::Op::Ge:
      return ">=";
    case ir::Op::Neg:
      return "unary -";
    case ir::Op::Pos:
      return "unary +";
    default:
      return ir::op_name(op);
  }
}

bool is_operand(const Value& v) { return is_tensor(v) || v.is_number(); }

at::Tensor operand(const Value& v) {
  if (is_tensor(v)) return tensor_of(v);
  if (v.is_float()) return at::native::wrapped_scalar_tensor(at::Scalar(v.as_float()));
  if (v.is_int()) return at::native::wrapped_scalar_tensor(at::Scalar(v.as_int()));
  return at::native::wrapped_scalar_tensor(at::Scalar(v.as_bool()));
}

// `v` as the operand of `op` with `other`: a Python number meeting a
// floating tensor in arithmetic becomes a wrapped number of that tensor's
// dtype, which saves LibTorch a cast per operation (wrapped_number.h); the
// result and its dtype are the same.
at::Tensor operand(const Value& v, const Value& other, ir::Op op) {
  const bool arithmetic = op == ir::Op::Add || op == ir::Op::Sub || op == ir::Op::Mul || op == ir::Op::Div;
  if (arithmetic && (v.is_float() || v.is_int()) && is_tensor(other)) {
    const at::ScalarType t = tensor_of(other).scalar_type();
    if (at::isFloatingType(t))
      return wrapped_number(v.is_float() ? v.as_float() : static_cast<double>(v.as_int()), t);
  }
  return operand(v);
}

bool broadcastable(at::IntArrayRef a, at::IntArrayRef b) {
  for (size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

[[noreturn]] void raise_binary_error(ir::Op op, const at::Tensor& a, const at::Tensor& b,
                                     const std::exception& e) {
  const std::string sym = op_symbol(op);
  const std::string shapes =
      shape_to_string(a.sizes().vec()) + " and " + shape_to_string(b.sizes().vec());
  if (op == ir::Op::MatMul && a.dim() > 0 && b.dim() > 0)
    raise("'@': cannot multiply tensors of shapes " + shapes +
          ": the last dim of the first must equal the " +
          (b.dim() == 1 ? "only" : "second-to-last") + " dim of the second");
  if (op != ir::Op::MatMul && !broadcastable(a.sizes(), b.sizes()))
    raise("operands of '" + sym + "' have shapes " + shapes +
          ", which cannot be broadcast together");
  raise_torch_error("'" + sym + "'", e);
}

at::Tensor apply_binary(ir::Op op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case ir::Op::Add:
      return at::add(a, b);
    case ir::Op::Sub:
      return at::sub(a, b);
    case ir::Op::Mul:
      return at::mul(a, b);
    case ir::Op::Div:
      return at::div(a, b);
    // Python's // and % round towards -inf; % takes the sign of the divisor.
    case ir::Op::FloorDiv:
      return at::div(a, b, "floor");
    case ir::Op::Mod:
      return at::remainder(a, b);
    case ir::Op::Pow:
      return at::pow(a, b);
    case ir::Op::MatMul:
      return at::matmul(a, b);
    case ir::Op::Eq:
      return at::eq(a, b);
    case ir::Op::Ne:
      return at::ne(a, b);
    case ir::Op::Lt:
      return at::lt(a, b);
    case ir::Op::Le:
      return at::le(a, b);
    case ir::Op::Gt:
      return at::gt(a, b);
    case ir::Op::Ge:
      return at::ge(a, b);
    default:
      break;
  }
  throw InternalError(std::string("tensor_binary_op: not a binary tensor operator: ") +
                      ir::op_name(op));
}

}  // namespace

Value tensor_binary_op(ir::Op op, const Value& a, const Value& b) {
  switch (op) {
    case ir::Op::Is:
      return Value(a.identical(b));
    case ir::Op::IsNot:
      return Value(!a.identical(b));
    case ir::Op::In:
      return Value(is_tensor(b) ? tensor_contains(b, a) : contains(b, a));
    case ir::Op::NotIn:
      return Value(!(is_tensor(b) ? tensor_contains(b, a) : contains(b, a)));
    default:
      break;
  }
  if (!is_operand(a) || !is_operand(b)) {
    // As Python: == and != between unrelated types are False / True.
    if (op == ir::Op::Eq) return Value(false);
    if (op == ir::Op::Ne) return Value(true);
    raise(std::string("unsupported operand types for ") + op_symbol(op) + ": '" + type_name(a) +
          "' and '" + type_name(b) + "'");
  }
  if (op == ir::Op::MatMul && (!is_tensor(a) || !is_tensor(b)))
    raise("'@' needs two tensors, got '" + type_name(a) + "' and '" + type_name(b) + "'");
  const at::Tensor x = operand(a, b, op);
  const at::Tensor y = operand(b, a, op);
  try {
    return make_tensor(apply_binary(op, x, y));
  } catch (const KilnError&) {
    throw;
  } catch (const InternalError&) {
    throw;
  } catch (const std::exception& e) {
    raise_binary_error(op, x, y, e);
  }
}

Value tensor_unary_op(ir::Op op, const Value& a) {
  switch (op) {
    case ir::Op::Neg:
      return torch_guard("unary -", [&] { return make_tensor(at::neg(tensor_of(a))); });
    case ir::Op::Pos:
      return a;
    case ir::Op::Not:
      return Value(!tensor_truthy(a));
    default:
      break;
  }
  throw InternalError(std::string("tensor_unary_op: not a unary operator: ") + ir::op_name(op));
}

bool tensor_truthy(const Value& t) {
  const at::Tensor& x = tensor_of(t);
  if (x.numel() == 1) return x.item<bool>();
  raise(std::string("the truth value of a tensor with ") +
            (x.numel() == 0 ? "no values" : "more than one value") + " is ambiguous",
        "use .any() or .all(), or compare one element");
}

bool tensor_contains(const Value& t, const Value& item) {
  if (!is_operand(item))
    raise("'in <tensor>' needs a number or a tensor on the left, got " + type_name(item));
  return torch_guard("in", [&] { return at::eq(tensor_of(t), operand(item)).any().item<bool>(); });
}

}  // namespace kiln::rt
