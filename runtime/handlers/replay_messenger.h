// replay: latent sample sites take their value from a recorded trace (and
// param sites from `params`, if given), as Pyro's ReplayMessenger. Observed
// sites keep their observation; sites missing from the trace are drawn as
// usual. The AIR reuse pattern:
//   tr = trace(guide).get_trace(x)
//   replay(prior, tr)(n)        # the prior scored at the guide's draws
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class ReplayMessenger final : public Messenger {
 public:
  // `trace` must hold a Trace (KilnError otherwise); `params` is None or a
  // dict name -> value.
  ReplayMessenger(Value trace, Value params);
  void process(Message& msg) override;

 private:
  Value trace_;
  Value params_;
};

}  // namespace kiln::rt
