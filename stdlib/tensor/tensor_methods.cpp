// The method table, attribute access, and the methods that inspect or
// convert a tensor as a whole (item, size, tolist, float, detach, backward...).
#include "stdlib/tensor/tensor_methods.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <map>
#include <string>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/dtype.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

struct MethodEntry {
  TensorMethod fn;
  std::string qualified;  // "tensor.sum", the callee of its CallArgs
};

std::map<std::string, MethodEntry, std::less<>>& method_table() {
  static std::map<std::string, MethodEntry, std::less<>> table;
  return table;
}

const MethodEntry* find_entry(std::string_view name) {
  const auto& table = method_table();
  auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

Value shape_tuple(at::IntArrayRef sizes) {
  std::vector<Value> dims;
  dims.reserve(sizes.size());
  for (int64_t d : sizes) dims.emplace_back(d);
  return make_tuple(std::move(dims));
}

Value scalar_value(const at::Tensor& one) {
  const at::ScalarType st = one.scalar_type();
  if (at::isFloatingType(st)) return Value(one.item<double>());
  if (st == at::kBool) return Value(one.item<bool>());
  return Value(one.item<int64_t>());
}

Value to_list(const at::Tensor& x) {
  if (x.dim() == 0) return scalar_value(x);
  std::vector<Value> items;
  items.reserve(x.size(0));
  for (int64_t i = 0; i < x.size(0); ++i) items.push_back(to_list(x.select(0, i)));
  return make_list(std::move(items));
}

Value m_item(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  const at::Tensor& x = tensor_of(self);
  if (x.numel() != 1)
    raise("item(): only one-element tensors can be converted to a number; this one has shape " +
          shape_to_string(x.sizes().vec()));
  return scalar_value(x);
}

Value m_tolist(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return to_list(tensor_of(self).detach().to(at::kCPU));
}

Value m_size(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  const at::Tensor& x = tensor_of(self);
  if (const Value* d = optional_arg(a, 0, "dim"))
    return Value(x.size(int_arg(*d, a.callee, "dim")));
  return shape_tuple(x.sizes());
}

Value m_dim(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return Value(static_cast<int64_t>(tensor_of(self).dim()));
}

Value m_numel(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return Value(static_cast<int64_t>(tensor_of(self).numel()));
}

template <at::ScalarType T>
Value m_convert(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  const at::Tensor& x = tensor_of(self);
  return x.scalar_type() == T ? self : make_tensor(x.to(T));
}

Value m_to(const Value& self, const CallArgs& a) {
  check_args(a, 1, 1, "dtype");
  const Value& target = required_arg(a, 0, "dtype");
  const at::ScalarType t =
      is_tensor(target) ? tensor_of(target).scalar_type() : *dtype_arg(&target, a.callee);
  const at::Tensor& x = tensor_of(self);
  return x.scalar_type() == t ? self : make_tensor(x.to(t));
}

Value m_detach(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(tensor_of(self).detach());
}

Value m_clone(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(tensor_of(self).clone());
}

Value m_contiguous(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(tensor_of(self).contiguous());
}

Value m_requires_grad_(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "requires_grad");
  const Value* flag = optional_arg(a, 0, "requires_grad");
  at::Tensor x = tensor_of(self);
  x.requires_grad_(flag == nullptr || bool_arg(*flag, a.callee, "requires_grad"));
  return self;
}

Value m_backward(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "gradient,retain_graph");
  const Value* g = optional_arg(a, 0, "gradient");
  const Value* retain = optional_arg(a, 1, "retain_graph");
  c10::optional<bool> keep;
  if (retain) keep = bool_arg(*retain, a.callee, "retain_graph");
  tensor_of(self).backward(g ? to_tensor(*g, "backward(gradient=)") : at::Tensor(), keep);
  return Value();
}

Value m_zero_(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  at::Tensor x = tensor_of(self);
  x.zero_();
  return self;
}

Value m_fill_(const Value& self, const CallArgs& a) {
  check_args(a, 1, 1, "");
  at::Tensor x = tensor_of(self);
  x.fill_(float_arg(a[0], a.callee, "value"));
  return self;
}

Value m_t(const Value& self, const CallArgs& a) {
  check_args(a, 0, 0, "");
  return make_tensor(tensor_of(self).t());
}

// x.add(y) etc.: the operators as methods.
template <ir::Op Op>
Value m_operator(const Value& self, const CallArgs& a) {
  check_args(a, 1, 1, "");
  return tensor_binary_op(Op, self, a[0]);
}

// .T reverses all dims, as PyTorch's (deprecated beyond 2-D) Tensor.T.
at::Tensor reversed_dims(const at::Tensor& x) {
  if (x.dim() < 2) return x;
  std::vector<int64_t> perm(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) perm[i] = x.dim() - 1 - i;
  return x.permute(perm);
}

}  // namespace

void register_tensor_method(std::string_view name, TensorMethod fn) {
  auto [it, fresh] =
      method_table().emplace(std::string(name), MethodEntry{fn, "tensor." + std::string(name)});
  KILN_ASSERT(fresh, "tensor method registered twice: " + std::string(name));
}

TensorMethod find_tensor_method(std::string_view name) {
  const MethodEntry* e = find_entry(name);
  return e ? e->fn : nullptr;
}

Value call_as_builtin(TensorMethod method, const CallArgs& args) {
  if (args.npos == 0) raise_missing_arg(args.callee, "input");
  return torch_guard(args.callee, [&] {
    if (is_tensor(args[0])) return method(args[0], drop_first(args));
    return method(make_tensor(to_tensor(args[0], args.callee)), drop_first(args));
  });
}

Value tensor_get_attr(const Value& t, std::string_view name) {
  const at::Tensor& x = tensor_of(t);
  if (name == "shape") return shape_tuple(x.sizes());
  if (name == "dtype") return dtype_value(x.scalar_type());
  if (name == "T") return make_tensor(reversed_dims(x));
  if (name == "ndim") return Value(static_cast<int64_t>(x.dim()));
  if (name == "grad") {
    // Only leaves (and retain_grad tensors) accumulate .grad; asking a non-leaf
    // would make LibTorch print a warning, and the answer is None anyway.
    if (!x.is_leaf() && !x.retains_grad()) return Value();
    return x.grad().defined() ? make_tensor(x.grad()) : Value();
  }
  if (name == "requires_grad") return Value(x.requires_grad());
  if (name == "is_leaf") return Value(x.is_leaf());
  if (name == "data") return make_tensor(x.detach());
  if (find_entry(name) != nullptr) return make_value(new BoundMethodObject(t, std::string(name)));
  raise("'tensor' object has no attribute '" + std::string(name) + "'");
}

Value tensor_call_method(const Value& t, std::string_view name, const CallArgs& args) {
  const MethodEntry* e = find_entry(name);
  if (e == nullptr) raise("'tensor' object has no attribute '" + std::string(name) + "'");
  CallArgs named = args;
  named.callee = e->qualified;
  return torch_guard(e->qualified, [&] { return e->fn(t, named); });
}

std::string tensor_to_string(const Value& t) { return print_tensor(tensor_of(t)); }

KILN_REGISTER_BUILTINS {
  register_tensor_method("item", &m_item);
  register_tensor_method("tolist", &m_tolist);
  register_tensor_method("size", &m_size);
  register_tensor_method("dim", &m_dim);
  register_tensor_method("numel", &m_numel);
  register_tensor_method("float", &m_convert<at::kFloat>);
  register_tensor_method("double", &m_convert<at::kDouble>);
  register_tensor_method("long", &m_convert<at::kLong>);
  register_tensor_method("int", &m_convert<at::kInt>);
  register_tensor_method("bool", &m_convert<at::kBool>);
  register_tensor_method("to", &m_to);
  register_tensor_method("detach", &m_detach);
  register_tensor_method("clone", &m_clone);
  register_tensor_method("contiguous", &m_contiguous);
  register_tensor_method("requires_grad_", &m_requires_grad_);
  register_tensor_method("backward", &m_backward);
  register_tensor_method("zero_", &m_zero_);
  register_tensor_method("fill_", &m_fill_);
  register_tensor_method("t", &m_t);
  register_tensor_method("add", &m_operator<ir::Op::Add>);
  register_tensor_method("sub", &m_operator<ir::Op::Sub>);
  register_tensor_method("mul", &m_operator<ir::Op::Mul>);
  register_tensor_method("div", &m_operator<ir::Op::Div>);
  register_tensor_method("pow", &m_operator<ir::Op::Pow>);
  register_tensor_method("remainder", &m_operator<ir::Op::Mod>);
  register_tensor_method("floor_divide", &m_operator<ir::Op::FloorDiv>);
  register_tensor_method("eq", &m_operator<ir::Op::Eq>);
  register_tensor_method("ne", &m_operator<ir::Op::Ne>);
  register_tensor_method("lt", &m_operator<ir::Op::Lt>);
  register_tensor_method("le", &m_operator<ir::Op::Le>);
  register_tensor_method("gt", &m_operator<ir::Op::Gt>);
  register_tensor_method("ge", &m_operator<ir::Op::Ge>);
}

}  // namespace kiln::rt
