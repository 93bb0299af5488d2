// Argument checks shared by the standard library's builtins and methods. The
// wording of every "bad argument" error of stdlib/ lives in arg_checks.cpp,
// so messages stay uniform:
//   sum(): argument 'dim' must be an int or a tuple of ints, got str
// All functions raise KilnError on bad input and never return a partial value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

// "<callee>(): argument '<arg>' must be <expected>, got <type of got>".
[[noreturn]] void raise_arg_type(std::string_view callee, std::string_view arg,
                                 std::string_view expected, const Value& got);
// "<callee>(): <message>" for any other bad argument.
[[noreturn]] void raise_arg_error(std::string_view callee, std::string_view message);
// "<callee>() missing required argument '<arg>'".
[[noreturn]] void raise_missing_arg(std::string_view callee, std::string_view arg);

// Positional count in [min, max] (max < 0: unbounded); keywords are checked
// against `keywords` (comma separated, "" for none).
void check_args(const CallArgs& args, size_t min, int max, std::string_view keywords);

// Positional `i` or keyword `name`; raises if absent.
const Value& required_arg(const CallArgs& args, size_t i, std::string_view name);
// Positional `i` or keyword `name`; null if absent or None.
const Value* optional_arg(const CallArgs& args, size_t i, std::string_view name);

// An int (bools count, as in Python) or a one-element integral tensor.
int64_t int_arg(const Value& v, std::string_view callee, std::string_view arg);
// A number or a one-element tensor, as double.
double float_arg(const Value& v, std::string_view callee, std::string_view arg);
// bool or int, truth-tested as Python does.
bool bool_arg(const Value& v, std::string_view callee, std::string_view arg);
// A str.
const std::string& str_arg(const Value& v, std::string_view callee, std::string_view arg);
// An int, or a tuple/list of ints (dims, shapes).
std::vector<int64_t> int_list_arg(const Value& v, std::string_view callee, std::string_view arg);
// Optional bool keyword with a default (keepdim=).
bool bool_kw(const CallArgs& args, std::string_view name, bool default_value);

// A shape given as the positional arguments from `first` on: f(d0, d1, ...),
// or as one tuple/list: f((d0, d1)). Sizes must be non-negative.
std::vector<int64_t> shape_args(const CallArgs& args, size_t first, std::string_view callee);

// Python tuple notation for shapes: "()", "(3,)", "(2, 3)".
std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace kiln::rt
