// Python semantics of values: truthiness, equality, hashing, printing,
// arithmetic and comparison (the interpreter's slow paths: its fast paths
// handle int/float inline), indexing, attributes, methods, iteration.
// Tensor operands are forwarded to tensor_hooks.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/ir.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

std::string type_name(const Value& v);
std::string to_str(const Value& v);   // str(v)
std::string to_repr(const Value& v);  // repr(v)
std::string format_float(double d);   // Python's repr of a float: 0.1, 1e-05, 3.0, inf
bool truthy(const Value& v);
bool values_equal(const Value& a, const Value& b);  // ==, for non-tensors

// Arithmetic (Add..MatMul), comparison (Eq..IsNot) and unary (Neg, Pos, Not) ops.
Value binary_op(ir::Op op, const Value& a, const Value& b);
Value unary_op(ir::Op op, const Value& a);

Value get_item(const Value& obj, const Value& key);
void set_item(const Value& obj, const Value& key, const Value& value);
Value get_attr(const Value& obj, std::string_view name);
Value call_method(const Value& obj, std::string_view name, const CallArgs& args);
bool contains(const Value& container, const Value& item);  // item in container
int64_t length(const Value& v);                             // len(v)

// Iteration: GetIter and one step of ForIter (false when exhausted).
Value make_iterator(const Value& iterable);
bool iterator_next(const Value& iterator, Value& out);
std::vector<Value> to_vector(const Value& iterable);  // list(iterable)

// Number coercions with a clear error naming `what` ("argument 2 of range").
double to_double(const Value& v, std::string_view what);
int64_t to_int(const Value& v, std::string_view what);
// Normalizes a Python index (negative counts from the end); raises if out of range.
size_t normalize_index(int64_t i, size_t size, std::string_view what);

// Calls any callable value (closure, builtin, bound method, native object).
// Implemented by the interpreter.
Value call_value(const Value& fn, const CallArgs& args);

}  // namespace kiln::rt
