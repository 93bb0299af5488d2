#include "runtime/interrupt.h"

#include "runtime/errors.h"

namespace kiln::rt {

std::atomic<bool> g_interrupt_requested{false};

void raise_interrupted() {
  clear_interrupt();
  raise("interrupted", "the computation was stopped by Ctrl-C; the session's state is kept");
}

}  // namespace kiln::rt
