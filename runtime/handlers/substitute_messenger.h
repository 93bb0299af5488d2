// substitute: param sites and latent sample sites named in `data` take the
// given value instead of the param store's or a draw (observed sites are
// left alone), as poutine.substitute for params and NumPyro's substitute for
// latent sites. The value is used as given: it is neither scored against
// the constraint nor made observed (condition() does that).
//   substitute(guide, {"a_loc": tensor(9.0)})
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class SubstituteMessenger final : public Messenger {
 public:
  // Raises KilnError unless data is a dict.
  explicit SubstituteMessenger(Value data);
  void process(Message& msg) override;

 private:
  Value data_;
};

}  // namespace kiln::rt
