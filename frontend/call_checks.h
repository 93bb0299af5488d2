// Static checks of call shapes: builtins against builtins.def, calls to known
// user functions against their parameters, and the argument forms of the
// effect keywords (sample, observe, param, plate). Wording of these errors
// lives here and only here.
#pragma once

#include "frontend/ast.h"
#include "frontend/builtins.h"
#include "frontend/diagnostics.h"

namespace kiln {

void check_builtin_call(const ast::Call& call, const BuiltinInfo& builtin, Diagnostics& diags);
void check_user_call(const ast::Call& call, const ast::Def& def, Diagnostics& diags);
void check_sample_args(const ast::Sample& site, Diagnostics& diags);
void check_observe_args(const ast::Observe& site, Diagnostics& diags);
void check_param_args(const ast::Param& site, Diagnostics& diags);
void check_plate_args(const ast::Plate& site, Diagnostics& diags);
// `for i in plate(...)` iterates a size: no subsampling or dims.
void check_sequential_plate_args(const ast::Plate& site, Diagnostics& diags);

// "1 argument" / "2 arguments"
std::string count_args(size_t n);

}  // namespace kiln
