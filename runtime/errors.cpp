#include "runtime/errors.h"

namespace kiln::rt {

void raise(std::string message, std::string hint) { throw KilnError(std::move(message), std::move(hint)); }

}  // namespace kiln::rt
