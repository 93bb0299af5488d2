// What may be assigned to, with Python's wording for what may not
// ("cannot assign to function call"). Called by the AST builder on the
// targets of =, op=, for, `with ... as` and comprehension clauses.
#pragma once

#include "frontend/ast.h"
#include "frontend/diagnostics.h"

namespace kiln {

// `x = ...`, `for x in`, `with ... as x`: a name, a subscript, or a tuple or
// list of targets. Kiln values have no assignable attributes.
void verify_assign_target(const ast::Expr& target, Diagnostics& diags);

// `x op= ...`: a name or a subscript.
void verify_augmented_target(const ast::Expr& target, Diagnostics& diags);

// `[... for x in ...]`: a name or a tuple/list of names (lowering binds them
// as fresh variables).
void verify_comprehension_target(const ast::Expr& target, Diagnostics& diags);

}  // namespace kiln
