// The text form of IR printed by `kiln ir` and checked by golden tests.
// Stable: registers are named after their variables (%x) or numbered (%t7),
// blocks by label, constants inline, and each instruction whose source line
// differs from the previous one ends in "; line N".
#pragma once

#include <ostream>

#include "ir/ir.h"

namespace kiln::ir {

void print_function(std::ostream& out, const Program& program, uint32_t index);
// Functions from `first_function` on, each followed by a blank line.
void print_program(std::ostream& out, const Program& program, uint32_t first_function = 0);

}  // namespace kiln::ir
