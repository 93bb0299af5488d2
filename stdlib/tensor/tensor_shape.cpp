// Shape and layout: reshape, view, unsqueeze, squeeze, expand, transpose,
// permute, flatten, repeat, flip, index_select, gather, chunk, split,
// unbind, matmul, cat, stack and one_hot -- as methods and builtins.
#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/tensor_methods.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// Sizes as f(d0, d1, ...) or f((d0, d1)); -1 entries are allowed (reshape,
// view, expand infer them), so not shape_args.
std::vector<int64_t> sizes_arg(const CallArgs& a) {
  if (a.npos == 1 && (a[0].is(ObjKind::kTuple) || a[0].is(ObjKind::kList)))
    return int_list_arg(a[0], a.callee, "shape");
  std::vector<int64_t> out;
  for (size_t i = 0; i < a.npos; ++i) out.push_back(int_arg(a[i], a.callee, "shape"));
  return out;
}

int64_t dim_at(const CallArgs& a, size_t pos, std::string_view name) {
  return int_arg(required_arg(a, pos, name), a.callee, name);
}

Value tensor_tuple(const std::vector<at::Tensor>& parts) {
  std::vector<Value> items;
  items.reserve(parts.size());
  for (const at::Tensor& p : parts) items.push_back(make_tensor(p));
  return make_tuple(std::move(items));
}

std::vector<at::Tensor> tensor_list(const Value& seq, std::string_view callee) {
  if (!seq.is(ObjKind::kList) && !seq.is(ObjKind::kTuple))
    raise_arg_type(callee, "tensors", "a list of tensors", seq);
  std::vector<at::Tensor> out;
  for (const Value& v : to_vector(seq)) out.push_back(to_tensor(v, callee));
  if (out.empty()) raise_arg_error(callee, "expected a non-empty list of tensors");
  return out;
}

Value m_reshape(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  return make_tensor(tensor_of(self).reshape(sizes_arg(a)));
}

Value m_view(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  const at::Tensor& x = tensor_of(self);
  const std::vector<int64_t> shape = sizes_arg(a);
  try {
    return make_tensor(x.view(shape));
  } catch (const std::exception& e) {
    raise(std::string(a.callee) + "(): cannot view a tensor of shape " +
              shape_to_string(x.sizes().vec()) + " as " + shape_to_string(shape) + ": " +
              clean_torch_message(e.what()),
          "use reshape(), which copies when it must");
  }
}

Value m_expand(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  const at::Tensor& x = tensor_of(self);
  const std::vector<int64_t> shape = sizes_arg(a);
  try {
    return make_tensor(x.expand(shape));
  } catch (const std::exception&) {
    raise(std::string(a.callee) + "(): cannot expand a tensor of shape " +
          shape_to_string(x.sizes().vec()) + " to " + shape_to_string(shape) +
          ": only size-1 dims can grow");
  }
}

Value m_repeat(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  return make_tensor(tensor_of(self).repeat(sizes_arg(a)));
}

Value m_permute(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  return make_tensor(tensor_of(self).permute(sizes_arg(a)));
}

Value m_flip(const Value& self, const CallArgs& a) {
  check_args(a, 1, -1, "");
  return make_tensor(tensor_of(self).flip(sizes_arg(a)));
}

Value m_unsqueeze(const Value& self, const CallArgs& a) {
  check_args(a, 1, 1, "dim");
  return make_tensor(tensor_of(self).unsqueeze(dim_at(a, 0, "dim")));
}

Value m_squeeze(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  const Value* d = optional_arg(a, 0, "dim");
  const at::Tensor& x = tensor_of(self);
  return make_tensor(d ? x.squeeze(int_arg(*d, a.callee, "dim")) : x.squeeze());
}

Value m_transpose(const Value& self, const CallArgs& a) {
  check_args(a, 2, 2, "dim0,dim1");
  return make_tensor(tensor_of(self).transpose(dim_at(a, 0, "dim0"), dim_at(a, 1, "dim1")));
}

Value m_flatten(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "start_dim,end_dim");
  const Value* s = optional_arg(a, 0, "start_dim");
  const Value* e = optional_arg(a, 1, "end_dim");
  return make_tensor(tensor_of(self).flatten(s ? int_arg(*s, a.callee, "start_dim") : 0,
                                             e ? int_arg(*e, a.callee, "end_dim") : -1));
}

Value m_index_select(const Value& self, const CallArgs& a) {
  check_args(a, 2, 2, "dim,index");
  const at::Tensor index = to_tensor(required_arg(a, 1, "index"), a.callee);
  return make_tensor(tensor_of(self).index_select(dim_at(a, 0, "dim"), index));
}

Value m_gather(const Value& self, const CallArgs& a) {
  check_args(a, 2, 2, "dim,index");
  const at::Tensor index = to_tensor(required_arg(a, 1, "index"), a.callee);
  return make_tensor(tensor_of(self).gather(dim_at(a, 0, "dim"), index));
}

Value m_chunk(const Value& self, const CallArgs& a) {
  check_args(a, 1, 2, "chunks,dim");
  const Value* d = optional_arg(a, 1, "dim");
  return tensor_tuple(
      tensor_of(self).chunk(dim_at(a, 0, "chunks"), d ? int_arg(*d, a.callee, "dim") : 0));
}

Value m_split(const Value& self, const CallArgs& a) {
  check_args(a, 1, 2, "split_size,dim");
  const Value& size = required_arg(a, 0, "split_size");
  const Value* d = optional_arg(a, 1, "dim");
  const int64_t dim = d ? int_arg(*d, a.callee, "dim") : 0;
  const at::Tensor& x = tensor_of(self);
  if (size.is_int()) return tensor_tuple(x.split(size.as_int(), dim));
  return tensor_tuple(x.split_with_sizes(int_list_arg(size, a.callee, "split_size"), dim));
}

Value m_unbind(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  const Value* d = optional_arg(a, 0, "dim");
  return tensor_tuple(tensor_of(self).unbind(d ? int_arg(*d, a.callee, "dim") : 0));
}

Value m_matmul(const Value& self, const CallArgs& a) {
  check_args(a, 1, 1, "");
  return tensor_binary_op(ir::Op::MatMul, self, a[0]);
}

Value builtin_matmul(const CallArgs& args) {
  check_args(args, 2, 2, "");
  return tensor_binary_op(ir::Op::MatMul, args[0], args[1]);
}

// cat/stack promote dtypes as torch.cat does.
std::vector<at::Tensor> promoted(std::vector<at::Tensor> parts) {
  at::ScalarType t = parts[0].scalar_type();
  for (const at::Tensor& p : parts) t = at::promote_types(t, p.scalar_type());
  for (at::Tensor& p : parts) p = p.to(t);
  return parts;
}

template <bool IsStack>
Value builtin_join(const CallArgs& args) {
  check_args(args, 1, 2, "dim");
  const std::vector<at::Tensor> parts = promoted(tensor_list(args[0], args.callee));
  const Value* d = optional_arg(args, 1, "dim");
  const int64_t dim = d ? int_arg(*d, args.callee, "dim") : 0;
  for (size_t i = 1; IsStack && i < parts.size(); ++i)
    if (parts[i].sizes() != parts[0].sizes())
      raise_arg_error(args.callee, "all tensors must have the same shape, got " +
                                       shape_to_string(parts[0].sizes().vec()) + " and " +
                                       shape_to_string(parts[i].sizes().vec()));
  return make_tensor(IsStack ? at::stack(parts, dim) : at::cat(parts, dim));
}

Value builtin_one_hot(const CallArgs& args) {
  check_args(args, 2, 2, "");
  const at::Tensor idx = to_tensor(args[0], args.callee);
  if (at::isFloatingType(idx.scalar_type()))
    raise_arg_error(args.callee, "indices must be an int tensor, got a float tensor");
  return make_tensor(at::one_hot(idx.to(at::kLong), int_arg(args[1], args.callee, "num_classes"))
                         .to(kDefaultFloat));
}

template <TensorMethod M>
Value as_builtin(const CallArgs& args) {
  return call_as_builtin(M, args);
}

}  // namespace

KILN_REGISTER_BUILTINS {
  register_tensor_method("reshape", &m_reshape);
  register_tensor_method("view", &m_view);
  register_tensor_method("expand", &m_expand);
  register_tensor_method("repeat", &m_repeat);
  register_tensor_method("permute", &m_permute);
  register_tensor_method("flip", &m_flip);
  register_tensor_method("unsqueeze", &m_unsqueeze);
  register_tensor_method("squeeze", &m_squeeze);
  register_tensor_method("transpose", &m_transpose);
  register_tensor_method("flatten", &m_flatten);
  register_tensor_method("index_select", &m_index_select);
  register_tensor_method("gather", &m_gather);
  register_tensor_method("chunk", &m_chunk);
  register_tensor_method("split", &m_split);
  register_tensor_method("unbind", &m_unbind);
  register_tensor_method("matmul", &m_matmul);
  register_builtin(BuiltinId::k_reshape, &guarded<&as_builtin<&m_reshape>>);
  register_builtin(BuiltinId::k_expand, &guarded<&as_builtin<&m_expand>>);
  register_builtin(BuiltinId::k_unsqueeze, &guarded<&as_builtin<&m_unsqueeze>>);
  register_builtin(BuiltinId::k_squeeze, &guarded<&as_builtin<&m_squeeze>>);
  register_builtin(BuiltinId::k_transpose, &guarded<&as_builtin<&m_transpose>>);
  register_builtin(BuiltinId::k_matmul, &guarded<&builtin_matmul>);
  register_builtin(BuiltinId::k_cat, &guarded<&builtin_join<false>>);
  register_builtin(BuiltinId::k_stack, &guarded<&builtin_join<true>>);
  register_builtin(BuiltinId::k_one_hot, &guarded<&builtin_one_hot>);
}

}  // namespace kiln::rt
