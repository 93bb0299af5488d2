// Lowers a resolved, checked AST module to IR functions appended to an
// ir::Program. Lowering trusts the resolver: every Name is bound and every
// effect keyword has its required arguments (add_source returned >= 0).
#pragma once

#include "frontend/program.h"
#include "ir/ir.h"

namespace kiln::ir {

// Lowers module `module_index` of `program` (and records it in out.modules).
// Returns the index of the module's init function. Also refreshes
// out.global_names from the program's global table.
uint32_t lower_module(const kiln::Program& program, uint32_t module_index, ir::Program& out);

// Lowers every module of `program` in order; the last is the main module.
void lower_program(const kiln::Program& program, ir::Program& out);

}  // namespace kiln::ir
