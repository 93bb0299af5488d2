// Reductions and scans: sum, mean, prod, max, min, argmax, argmin, all, any,
// std, var, norm, cumsum, cumprod, logsumexp, softmax, log_softmax -- as
// methods, as builtins, and for the Python-core builtins shared with lists
// (tensor_builtins.h).
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/tensor_builtins.h"
#include "stdlib/tensor/tensor_methods.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// dim= as given (an int or a tuple of ints), or nullopt for "all dims".
std::optional<std::vector<int64_t>> dims_arg(const CallArgs& a, size_t pos) {
  const Value* d = optional_arg(a, pos, "dim");
  if (d == nullptr) return std::nullopt;
  return int_list_arg(*d, a.callee, "dim");
}

bool keepdim_arg(const CallArgs& a, size_t pos) {
  const Value* k = optional_arg(a, pos, "keepdim");
  return k != nullptr && bool_arg(*k, a.callee, "keepdim");
}

std::vector<int64_t> all_dims(const at::Tensor& x) {
  std::vector<int64_t> d(x.dim());
  for (int64_t i = 0; i < x.dim(); ++i) d[i] = i;
  return d;
}

// mean, std and var of integers are taken in the default float dtype
// (PyTorch refuses them; Kiln follows numpy here).
at::Tensor floating(const at::Tensor& x) {
  return at::isFloatingType(x.scalar_type()) ? x : x.to(kDefaultFloat);
}

// x.sum(), x.sum(dim), x.sum(dim=(0, 1), keepdim=True); mean likewise.
template <bool IsMean>
Value m_sum_mean(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim");
  const at::Tensor x = IsMean ? floating(tensor_of(self)) : tensor_of(self);
  const auto dims = dims_arg(a, 0);
  const bool keep = keepdim_arg(a, 1);
  if (!dims && !keep) return make_tensor(IsMean ? at::mean(x) : at::sum(x));
  const std::vector<int64_t> d = dims ? *dims : all_dims(x);
  return make_tensor(IsMean ? at::mean(x, d, keep) : at::sum(x, d, keep));
}

Value m_sum(const Value& self, const CallArgs& a) { return m_sum_mean<false>(self, a); }
Value m_mean(const Value& self, const CallArgs& a) { return m_sum_mean<true>(self, a); }

// prod reduces one dim at a time in LibTorch.
Value m_prod(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim");
  at::Tensor x = tensor_of(self);
  const auto dims = dims_arg(a, 0);
  const bool keep = keepdim_arg(a, 1);
  if (!dims) {
    at::Tensor p = at::prod(x);
    return make_tensor(keep ? p.reshape(std::vector<int64_t>(x.dim(), 1)) : p);
  }
  std::vector<int64_t> sorted = *dims;
  for (int64_t& d : sorted) d = c10::maybe_wrap_dim(d, x.dim());
  std::sort(sorted.rbegin(), sorted.rend());
  for (int64_t d : sorted) x = at::prod(x, d, keep);
  return make_tensor(x);
}

// x.max() / x.max(dim, keepdim) -> (values, indices) / x.max(other).
template <bool IsMax>
Value m_extremum(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim,other");
  const at::Tensor& x = tensor_of(self);
  const Value* first = optional_arg(a, 0, "dim");
  if (const Value* other = a.kw("other")) first = other;
  if (first == nullptr) return make_tensor(IsMax ? at::max(x) : at::min(x));
  if (first->is_int() && a.kw("other") == nullptr) {
    const int64_t dim = first->as_int();
    const bool keep = keepdim_arg(a, 1);
    auto [values, indices] = IsMax ? at::max(x, dim, keep) : at::min(x, dim, keep);
    return make_tuple({make_tensor(values), make_tensor(indices)});
  }
  const at::Tensor y = to_tensor(*first, a.callee).to(x.scalar_type());
  return make_tensor(IsMax ? at::maximum(x, y) : at::minimum(x, y));
}

template <bool IsMax>
Value m_arg_extremum(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim");
  const at::Tensor& x = tensor_of(self);
  const Value* d = optional_arg(a, 0, "dim");
  c10::optional<int64_t> dim;
  if (d) dim = int_arg(*d, a.callee, "dim");
  const bool keep = keepdim_arg(a, 1);
  return make_tensor(IsMax ? at::argmax(x, dim, keep) : at::argmin(x, dim, keep));
}

template <bool IsAll>
Value m_all_any(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim");
  const at::Tensor& x = tensor_of(self);
  const Value* d = optional_arg(a, 0, "dim");
  if (d == nullptr) return make_tensor(IsAll ? at::all(x) : at::any(x));
  const int64_t dim = int_arg(*d, a.callee, "dim");
  const bool keep = keepdim_arg(a, 1);
  return make_tensor(IsAll ? at::all(x, dim, keep) : at::any(x, dim, keep));
}

// x.std(dim=None, unbiased=True, keepdim=False), likewise var.
template <bool IsStd>
Value m_spread(const Value& self, const CallArgs& a) {
  check_args(a, 0, 3, "dim,unbiased,keepdim");
  const at::Tensor x = floating(tensor_of(self));
  const auto dims = dims_arg(a, 0);
  const Value* u = optional_arg(a, 1, "unbiased");
  const bool unbiased = u == nullptr || bool_arg(*u, a.callee, "unbiased");
  const bool keep = keepdim_arg(a, 2);
  at::OptionalIntArrayRef d = dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt;
  return make_tensor(IsStd ? at::std(x, d, unbiased, keep) : at::var(x, d, unbiased, keep));
}

Value m_norm(const Value& self, const CallArgs& a) {
  check_args(a, 0, 3, "p,dim,keepdim");
  const at::Tensor x = floating(tensor_of(self));
  const Value* p = optional_arg(a, 0, "p");
  const at::Scalar order = p ? float_arg(*p, a.callee, "p") : 2.0;
  const auto dims = dims_arg(a, 1);
  const bool keep = keepdim_arg(a, 2);
  return make_tensor(at::norm(x, order, dims ? *dims : all_dims(x), keep));
}

int64_t required_dim(const CallArgs& a, size_t pos) {
  return int_arg(required_arg(a, pos, "dim"), a.callee, "dim");
}

Value m_cumsum(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  return make_tensor(at::cumsum(tensor_of(self), required_dim(a, 0)));
}

Value m_cumprod(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  return make_tensor(at::cumprod(tensor_of(self), required_dim(a, 0)));
}

Value m_logsumexp(const Value& self, const CallArgs& a) {
  check_args(a, 0, 2, "dim,keepdim");
  const at::Tensor x = floating(tensor_of(self));
  const auto dims = dims_arg(a, 0);
  return make_tensor(at::logsumexp(x, dims ? *dims : all_dims(x), keepdim_arg(a, 1)));
}

Value m_softmax(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  return make_tensor(at::softmax(floating(tensor_of(self)), required_dim(a, 0)));
}

Value m_log_softmax(const Value& self, const CallArgs& a) {
  check_args(a, 0, 1, "dim");
  return make_tensor(at::log_softmax(floating(tensor_of(self)), required_dim(a, 0)));
}

bool holds_tensor(const Value& v) {
  if (is_tensor(v)) return true;
  const std::vector<Value>* items = v.is(ObjKind::kList)    ? &v.as<ListObject>()->items
                                    : v.is(ObjKind::kTuple) ? &v.as<TupleObject>()->items
                                                            : nullptr;
  if (items == nullptr) return false;
  for (const Value& item : *items)
    if (holds_tensor(item)) return true;
  return false;
}

// mean(list) and prod(list) of plain numbers stay Python numbers.
Value number_list_reduce(std::string_view which, const CallArgs& args) {
  check_args(args, 1, 1, "");
  const std::vector<Value> items = to_vector(args[0]);
  if (which == "mean") {
    if (items.empty()) raise("mean() of an empty sequence");
    double total = 0;
    for (const Value& v : items) total += to_double(v, "mean() element");
    return Value(total / static_cast<double>(items.size()));
  }
  bool all_int = true;
  int64_t iprod = 1;
  double fprod = 1;
  for (const Value& v : items) {
    if (v.is_int() || v.is_bool()) {
      iprod *= v.as_int();
    } else {
      all_int = false;
    }
    fprod *= to_double(v, "prod() element");
  }
  return all_int ? Value(iprod) : Value(fprod);
}

Value builtin_mean(const CallArgs& args) {
  if (args.npos > 0 && !holds_tensor(args[0])) return number_list_reduce("mean", args);
  return call_as_builtin(&m_mean, args);
}
Value builtin_prod(const CallArgs& args) {
  if (args.npos > 0 && !holds_tensor(args[0])) return number_list_reduce("prod", args);
  return call_as_builtin(&m_prod, args);
}
Value builtin_argmax(const CallArgs& a) { return call_as_builtin(&m_arg_extremum<true>, a); }
Value builtin_argmin(const CallArgs& a) { return call_as_builtin(&m_arg_extremum<false>, a); }
Value builtin_cumsum(const CallArgs& a) { return call_as_builtin(&m_cumsum, a); }
Value builtin_logsumexp(const CallArgs& a) { return call_as_builtin(&m_logsumexp, a); }
Value builtin_softmax(const CallArgs& a) { return call_as_builtin(&m_softmax, a); }

// max(a, b, ...) with several arguments: elementwise, folded left to right.
Value elementwise_extremum(bool is_max, const CallArgs& args) {
  check_args(args, 2, -1, "");
  at::Tensor acc = to_tensor(args[0], args.callee);
  for (size_t i = 1; i < args.npos; ++i) {
    at::Tensor next = to_tensor(args[i], args.callee);
    const at::ScalarType t = at::promote_types(acc.scalar_type(), next.scalar_type());
    acc = is_max ? at::maximum(acc.to(t), next.to(t)) : at::minimum(acc.to(t), next.to(t));
  }
  return make_tensor(acc);
}

}  // namespace

Value tensor_reduce_builtin(std::string_view which, const CallArgs& args) {
  return torch_guard(which, [&]() -> Value {
    if (which == "max" || which == "min") {
      const bool is_max = which == "max";
      // max(t, dim) as torch.max; max(a, b) elementwise.
      if (args.npos >= 2 && !(args.npos == 2 && is_tensor(args[0]) && args[1].is_int()))
        return elementwise_extremum(is_max, args);
      return call_as_builtin(is_max ? &m_extremum<true> : &m_extremum<false>, args);
    }
    if (which == "sum") return call_as_builtin(&m_sum, args);
    if (which == "mean") return builtin_mean(args);
    if (which == "prod") return builtin_prod(args);
    if (which == "abs") {
      check_args(args, 1, 1, "");
      return make_tensor(at::abs(tensor_of(args[0])));
    }
    if (which == "round") {
      check_args(args, 1, 2, "");
      const at::Tensor& x = tensor_of(args[0]);
      if (args.npos == 1 || args[1].is_none()) return make_tensor(at::round(x));
      return make_tensor(at::round(x, int_arg(args[1], "round", "ndigits")));
    }
    throw InternalError("tensor_reduce_builtin: unknown builtin " + std::string(which));
  });
}

Value tensor_to_number(const Value& t, std::string_view which) {
  const at::Tensor& x = tensor_of(t);
  if (x.numel() != 1)
    raise(std::string(which) + "(): only one-element tensors can be converted, got shape " +
          shape_to_string(x.sizes().vec()));
  if (which == "bool") return Value(x.item<bool>());
  if (which == "float") return Value(x.item<double>());
  if (at::isFloatingType(x.scalar_type())) {
    const double d = x.item<double>();
    if (!std::isfinite(d))
      raise(std::string("int(): cannot convert ") + (std::isnan(d) ? "nan" : "infinity") +
            " to an integer");
    return Value(static_cast<int64_t>(std::trunc(d)));
  }
  return Value(x.item<int64_t>());
}

KILN_REGISTER_BUILTINS {
  register_tensor_method("sum", &m_sum);
  register_tensor_method("mean", &m_mean);
  register_tensor_method("prod", &m_prod);
  register_tensor_method("max", &m_extremum<true>);
  register_tensor_method("min", &m_extremum<false>);
  register_tensor_method("argmax", &m_arg_extremum<true>);
  register_tensor_method("argmin", &m_arg_extremum<false>);
  register_tensor_method("all", &m_all_any<true>);
  register_tensor_method("any", &m_all_any<false>);
  register_tensor_method("std", &m_spread<true>);
  register_tensor_method("var", &m_spread<false>);
  register_tensor_method("norm", &m_norm);
  register_tensor_method("cumsum", &m_cumsum);
  register_tensor_method("cumprod", &m_cumprod);
  register_tensor_method("logsumexp", &m_logsumexp);
  register_tensor_method("softmax", &m_softmax);
  register_tensor_method("log_softmax", &m_log_softmax);
  register_builtin(BuiltinId::k_mean, &guarded<&builtin_mean>);
  register_builtin(BuiltinId::k_prod, &guarded<&builtin_prod>);
  register_builtin(BuiltinId::k_argmax, &guarded<&builtin_argmax>);
  register_builtin(BuiltinId::k_argmin, &guarded<&builtin_argmin>);
  register_builtin(BuiltinId::k_cumsum, &guarded<&builtin_cumsum>);
  register_builtin(BuiltinId::k_logsumexp, &guarded<&builtin_logsumexp>);
  register_builtin(BuiltinId::k_softmax, &guarded<&builtin_softmax>);
}

}  // namespace kiln::rt
