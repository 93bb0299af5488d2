#include "stdlib/distributions/float_limits.h"

#include <ATen/Dispatch.h>

#include <limits>

namespace kiln::rt {

double smallest_normal(c10::ScalarType dtype) {
  return AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, dtype, "smallest_normal", [] {
    return static_cast<double>(std::numeric_limits<scalar_t>::min());
  });
}

double machine_epsilon(c10::ScalarType dtype) {
  return AT_DISPATCH_FLOATING_TYPES_AND2(at::kHalf, at::kBFloat16, dtype, "machine_epsilon", [] {
    return static_cast<double>(std::numeric_limits<scalar_t>::epsilon());
  });
}

}  // namespace kiln::rt
