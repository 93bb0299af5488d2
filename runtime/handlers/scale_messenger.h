// scale: multiplies the log-probability of every site inside it by a
// positive factor (on top of plate subsampling factors), as poutine.scale;
// ELBOs and log densities see the product.
//   scale(model, 0.1)     # e.g. to anneal a KL term
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class ScaleMessenger final : public Messenger {
 public:
  // Raises KilnError unless factor is positive and finite.
  explicit ScaleMessenger(double factor);
  void process(Message& msg) override { msg.scale *= factor_; }

 private:
  double factor_;
};

}  // namespace kiln::rt
