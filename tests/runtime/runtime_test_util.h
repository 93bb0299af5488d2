// Helpers for the runtime tests: calling builtins and methods by name with
// literal arguments, and reading tensors back.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "frontend/builtins.h"
#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_hooks.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/tensor/tensor_print.h"

namespace kiln::rt::testing {

using Keywords = std::vector<std::pair<std::string, Value>>;

inline ArgList make_args(std::initializer_list<Value> pos, const Keywords& kw) {
  ArgList args(pos);
  for (const auto& [name, value] : kw) args.push_kw(name, value);
  return args;
}

// builtin(name)(pos..., kw...)
inline Value call_builtin(std::string_view name, std::initializer_list<Value> pos,
                          const Keywords& kw = {}) {
  const auto index = find_builtin(name);
  if (!index) throw std::logic_error("no builtin " + std::string(name));
  const ArgList args = make_args(pos, kw);
  return builtin_function(*index)(args.view(name));
}

// self.name(pos..., kw...)
inline Value call_method_of(const Value& self, std::string_view name,
                            std::initializer_list<Value> pos = {}, const Keywords& kw = {}) {
  const ArgList args = make_args(pos, kw);
  return call_method(self, name, args.view(name));
}

inline Value list_of(std::initializer_list<Value> items) {
  return rt::make_list(std::vector<Value>(items));
}
inline Value tuple_of(std::initializer_list<Value> items) {
  return rt::make_tuple(std::vector<Value>(items));
}
inline Value tensor_value(at::Tensor t) { return make_tensor(std::move(t)); }
// A bool tensor (at::tensor has no bool overload in LibTorch 1.13).
inline at::Tensor bools(std::initializer_list<int> v) {
  return at::tensor(std::vector<int64_t>(v.begin(), v.end())).to(at::kBool);
}

inline const at::Tensor& T(const Value& v) {
  if (!is_tensor(v)) throw std::logic_error("not a tensor: " + to_str(v));
  return tensor_of(v);
}

// The message of the KilnError that f raises ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const KilnError& e) {
    return e.what();
  }
  return "";
}

}  // namespace kiln::rt::testing
