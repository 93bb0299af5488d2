// The interface between the LibTorch-free interpreter core and tensors: every
// operation the core meets on a tensor operand is forwarded here. Implemented
// in stdlib/tensor/ (the only place these operations include LibTorch).
#pragma once

#include <string>
#include <string_view>

#include "ir/ir.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// Arithmetic or comparison where at least one operand is a tensor; numbers
// are promoted (int -> int64 tensor semantics as torch, float -> the tensor's
// floating dtype).
Value tensor_binary_op(ir::Op op, const Value& a, const Value& b);
Value tensor_unary_op(ir::Op op, const Value& a);
// bool(t): only for one-element tensors, else a KilnError as in PyTorch.
bool tensor_truthy(const Value& t);
Value tensor_get_item(const Value& t, const Value& key);
void tensor_set_item(const Value& t, const Value& key, const Value& value);
Value tensor_get_attr(const Value& t, std::string_view name);
Value tensor_call_method(const Value& t, std::string_view name, const CallArgs& args);
int64_t tensor_length(const Value& t);  // size of dim 0; error for 0-dim
Value tensor_element(const Value& t, int64_t i);  // t[i] for iteration
bool tensor_contains(const Value& t, const Value& item);
std::string tensor_to_string(const Value& t);
// A 0-dim tensor from a Python number (float -> float32 default dtype, int -> int64, bool -> bool).
Value number_to_tensor(const Value& v);

}  // namespace kiln::rt
