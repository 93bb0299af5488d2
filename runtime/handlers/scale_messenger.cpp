#include "runtime/handlers/scale_messenger.h"

#include <cmath>

#include "runtime/errors.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

ScaleMessenger::ScaleMessenger(double factor) : factor_(factor) {
  if (!(factor > 0) || !std::isfinite(factor))
    raise("scale(): scale must be a positive finite number, got " + to_repr(Value(factor)));
}

}  // namespace kiln::rt
