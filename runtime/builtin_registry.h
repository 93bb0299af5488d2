// Binds builtin implementations to the ids of frontend/builtins.def. Each
// stdlib file registers its own builtins from a static initializer
// (KILN_REGISTER_BUILTINS), so adding one is a line in builtins.def and a
// function next to its relatives.
#pragma once

#include "frontend/builtins.h"
#include "runtime/objects.h"

namespace kiln::rt {

void register_builtin(BuiltinId id, NativeFn fn);
void register_constant(BuiltinId id, Value value);
// The value bound to builtin `index` (a BuiltinObject or a constant).
// Raises InternalError if nothing was registered (a missing implementation).
const Value& builtin_value(uint32_t index);
NativeFn builtin_function(uint32_t index);  // null for constants
// Every builtin without a registration, for the completeness test.
std::vector<std::string> unregistered_builtins();

// Checks positional count and keyword names against builtins.def, for calls
// that reach a builtin dynamically (the front end checks static calls).
void check_builtin_args(uint32_t index, const CallArgs& args);

}  // namespace kiln::rt

#define KILN_CONCAT_INNER(a, b) a##b
#define KILN_CONCAT(a, b) KILN_CONCAT_INNER(a, b)
// KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_len, &builtin_len); ... }
#define KILN_REGISTER_BUILTINS                                          \
  static void KILN_CONCAT(kiln_register_, __LINE__)();                  \
  static const bool KILN_CONCAT(kiln_registered_, __LINE__) =           \
      (KILN_CONCAT(kiln_register_, __LINE__)(), true);                  \
  static void KILN_CONCAT(kiln_register_, __LINE__)()
