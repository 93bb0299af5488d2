// torch.finfo(dtype).tiny and .eps for a floating dtype (float64, float32,
// float16, bfloat16), for keeping draws strictly inside a support whose
// edges would make log_prob infinite, and for tolerances that scale with
// the dtype's precision.
//
//   u.clamp(smallest_normal(dtype), 1 - machine_epsilon(dtype))   // u in (0, 1), logs finite
//
// Both raise (through LibTorch) for a dtype that is not floating; callers
// pass a floating tensor's dtype.
#pragma once

#include <c10/core/ScalarType.h>

namespace kiln::rt {

// The smallest positive normal number of `dtype`.
double smallest_normal(c10::ScalarType dtype);
// The difference between 1 and the next number of `dtype`.
double machine_epsilon(c10::ScalarType dtype);

}  // namespace kiln::rt
