// The table of tensor methods (x.sum(dim=1), x.view(2, 3), ...). Each file of
// stdlib/tensor/ registers the methods of its concept from a static
// initializer, next to the builtin forms that share them:
//   sum(x, dim=1) and x.sum(dim=1) both run sum_method(x, {dim=1}).
// A method receives `self` and the call's arguments after self; its
// arguments' `callee` reads "tensor.<name>" for error messages.
#pragma once

#include <string_view>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

using TensorMethod = Value (*)(const Value& self, const CallArgs& args);

// Registers `fn` as tensor.<name>; a second registration of a name is an
// InternalError. Called from static initializers only.
void register_tensor_method(std::string_view name, TensorMethod fn);
// Null if there is no such method.
TensorMethod find_tensor_method(std::string_view name);

// The arguments of f(x, ...) as the method x.f(...) sees them.
inline CallArgs drop_first(const CallArgs& args) {
  CallArgs rest = args;
  if (rest.npos > 0) {
    ++rest.pos;
    --rest.npos;
  }
  return rest;
}

// Runs `method` as the builtin f(x, ...): x must be a tensor, or a number or
// list that converts to one; LibTorch errors are converted.
Value call_as_builtin(TensorMethod method, const CallArgs& args);

}  // namespace kiln::rt
