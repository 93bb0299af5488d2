// scale: multiplies the log-probability of every site inside it by a
// positive factor (on top of plate subsampling factors), as poutine.scale;
// ELBOs and log densities see the product.
//   scale(model, 0.1)     # e.g. to anneal a KL term
//   scale(model, w)       # per-datapoint weights: w broadcasts to each
//                         # site's log_prob shape (batch shape)
#pragma once

#include <ATen/core/Tensor.h>

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class ScaleMessenger final : public Messenger {
 public:
  // Raise KilnError unless the factor (every element of it) is positive
  // and finite.
  explicit ScaleMessenger(double factor);
  explicit ScaleMessenger(const at::Tensor& factors);
  void process(Message& msg) override;

 private:
  double factor_ = 1.0;
  at::Tensor factors_;  // defined for a tensor of more than one element
};

}  // namespace kiln::rt
