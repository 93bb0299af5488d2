// Name resolution and semantic checks over one module's AST, in one walk:
// binds every Name to a local slot, an enclosing function's cell, a global or
// a builtin; computes each function's slots and captures (ast::Scope); and
// reports undefined names (with a "did you mean"), misplaced return / break /
// continue, duplicate parameters, assignments to constants, malformed effect
// keywords and calls with the wrong number of arguments. Every error found
// is reported; nothing stops at the first.
#pragma once

#include "frontend/program.h"

namespace kiln {

// Declares the module's top-level assigned names as globals of `program`.
void declare_globals(Program& program, const ast::Module& module);

// Resolves and checks `module`; errors go to `diags`.
void resolve_module(Program& program, ast::Module& module, Diagnostics& diags);

}  // namespace kiln
