// condition: sample sites named in `data` become observed at the given
// value, as pyro.condition. `data` is a dict name -> value or a Trace (its
// sample sites' values). Works on latent and already observed sites.
//   conditioned = condition(scale, {"measurement": 9.5})
#pragma once

#include "runtime/handlers/messenger.h"

namespace kiln::rt {

class ConditionMessenger final : public Messenger {
 public:
  // Raises KilnError unless data is a dict or a Trace.
  explicit ConditionMessenger(Value data, std::string_view who = "condition");
  void process(Message& msg) override;

 private:
  Value data_;
};

// The value `data` (a dict or a Trace) holds for `name`, or null.
const Value* data_value(const Value& data, const std::string& name);

}  // namespace kiln::rt
