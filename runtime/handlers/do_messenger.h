// do: Pearl's intervention, as pyro.do. A sample site named in `data` is
// split in two: the original site is still sampled (and recorded by outer
// handlers) under its own name, while the program continues with the
// intervened value, which is recorded nowhere and never scored (an
// observed site '<name>__CF' stopped at this handler). Downstream sites see
// the intervention:
//   intervened = do(scale, {"weight": 8.0})
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class DoMessenger final : public Messenger {
 public:
  // Raises KilnError unless data is a dict.
  explicit DoMessenger(Value data);
  void process(Message& msg) override;

 private:
  Value data_;
};

}  // namespace kiln::rt
