// IR passes, run in order after lowering with the verifier after each one:
//   remove_unreachable_blocks  drops blocks no path from entry reaches
//                              (lowering leaves them after return/break) and
//                              lays the rest out in depth-first order
//   insert_bound_checks        adds CheckBound before reads of locals that
//                              may be unassigned on some path, so the
//                              interpreter reports "used before assignment"
//                              instead of testing every read
#pragma once

#include "ir/ir.h"

namespace kiln::ir {

void remove_unreachable_blocks(Function& fn);
void insert_bound_checks(Function& fn);

// Runs every pass on functions [first_function, end) and verifies after each.
// Throws std::logic_error listing the problems if a pass breaks the IR.
void run_passes(Program& program, uint32_t first_function = 0);

}  // namespace kiln::ir
