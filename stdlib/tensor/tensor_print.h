// Text forms of tensors beyond print_tensor (runtime/tensor_value.h).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace kiln::rt {

// A one-element tensor's value as Python prints a number: 0.1 (the shortest
// text that reads back as the same float32/float64), 3, True. Used where a
// tensor parameter is shown as a number: Normal(loc: 0.0, scale: 1.0).
std::string print_scalar(const at::Tensor& one_element);

}  // namespace kiln::rt
