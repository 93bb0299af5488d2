// A number as LibTorch's "wrapped number" (the 0-dim tensor a Python
// scalar becomes in `x * 0.5`), made directly in a tensor's dtype.
//
//   y = x.mul(wrapped_number(0.5, x.scalar_type()));
//
// LibTorch wraps a C++ double as a float64 0-dim tensor; combined with a
// float32 tensor, the operation first casts that scalar to float32, a
// separate operation of its own (about 1.5 µs, as long as the arithmetic on
// a small tensor). A wrapped number already in the tensor's dtype skips the
// cast, is built without the dispatcher, and promotes as the scalar did: a
// wrapped number never widens a tensor's dtype.
#pragma once

#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>

namespace kiln::rt {

inline at::Tensor wrapped_number(double value, at::ScalarType dtype) {
  at::Tensor t = at::detail::scalar_tensor_static(value, dtype, at::kCPU);
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

}  // namespace kiln::rt
