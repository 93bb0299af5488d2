// uncondition: observed sample sites become latent again and are drawn, as
// poutine.uncondition; the observation is kept in the site's infer dict
// ("was_observed": True, "obs": value) so an inference engine can still
// find it. Used to draw from the prior predictive of a conditioned model.
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class UnconditionMessenger final : public Messenger {
 public:
  void process(Message& msg) override;
};

// A copy of msg.infer (a fresh dict if it is None) that the handler may
// change without touching the program's own dict.
Value writable_infer(const Message& msg);

}  // namespace kiln::rt
