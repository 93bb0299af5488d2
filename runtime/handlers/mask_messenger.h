// mask: multiplies every sample site's log-probability inside it by a bool
// mask (False drops the term), combined with any mask already set (logical
// and), as poutine.mask. The mask broadcasts against each site's batch shape.
//   mask(model, t > 0)
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class MaskMessenger final : public Messenger {
 public:
  // `mask` is a bool or a bool tensor (KilnError otherwise).
  explicit MaskMessenger(Value mask);
  void process(Message& msg) override;

 private:
  Value mask_;
};

}  // namespace kiln::rt
