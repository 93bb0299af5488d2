// Structural checks of IR: run after lowering and after every pass. A failure
// is a bug in Kiln, never in the user's program, so problems are returned as
// text for an InternalError, not as diagnostics.
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"

namespace kiln::ir {

// Every problem found in function `index` ("fn: block: instr: what").
std::vector<std::string> verify_function(const Program& program, uint32_t index);
// Every problem in every function from `first_function` on.
std::vector<std::string> verify_program(const Program& program, uint32_t first_function = 0);

}  // namespace kiln::ir
