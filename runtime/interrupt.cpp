#include "runtime/interrupt.h"


namespace kiln::rt {

std::atomic<bool> g_interrupt_requested{false};

void raise_interrupted() {
  clear_interrupt();
  throw Interrupted();
}

}  // namespace kiln::rt
