// Ctrl-C for long computations: the REPL's SIGINT handler calls
// request_interrupt() (async-signal-safe: it only stores to an atomic), and
// the interpreter checks the flag on every loop back-edge and call, raising
// KilnError("interrupted") so the session keeps its state.
#pragma once

#include <atomic>

#include "runtime/errors.h"

namespace kiln::rt {

// The error Ctrl-C raises: a KilnError (so it carries the .ppl stack and is
// reported like any other), told apart by type so `kiln run` can exit 130.
class Interrupted : public KilnError {
 public:
  Interrupted() : KilnError("interrupted", "the computation was stopped by Ctrl-C") {}
};

extern std::atomic<bool> g_interrupt_requested;

inline void request_interrupt() { g_interrupt_requested.store(true, std::memory_order_relaxed); }
inline void clear_interrupt() { g_interrupt_requested.store(false, std::memory_order_relaxed); }

// Throws Interrupted and clears the flag.
[[noreturn]] void raise_interrupted();

}  // namespace kiln::rt
