// Entry points for the Python-core builtins that also accept tensors
// (stdlib/core_builtins*.cpp). The core handles numbers, lists and other
// iterables itself and calls these when an argument is a tensor.
#pragma once

#include <string_view>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// max, min, sum, abs, round, mean, prod with a tensor among the arguments;
// `which` is the builtin's name and `args` the call's arguments unchanged:
//   max(t) / min(t)          -> 0-dim tensor
//   max(t, dim) / max(t, dim=d, keepdim=) -> (values, indices) tuple, as torch.max
//   max(a, b), a or b a tensor -> elementwise maximum (torch.maximum)
//   sum(t) / sum(t, dim) / sum(t, dim=(0, 1), keepdim=) -> tensor (as torch.sum)
//   abs(t), round(t), round(t, ndigits) -> elementwise
//   mean(t, dim=), prod(t, dim=) -> tensor
// Raises KilnError for bad arguments; never lets a LibTorch exception escape.
Value tensor_reduce_builtin(std::string_view which, const CallArgs& args);

// float(t), int(t), bool(t) of a one-element tensor: its value as a Python
// number (int() truncates towards zero). Raises for other sizes.
Value tensor_to_number(const Value& t, std::string_view which);

}  // namespace kiln::rt
