// Runs the chains of one MCMC run, for MCMC(...).run and `kiln nuts`.
// Each chain builds its own Potential (a prototype run of the model on a
// random stream of its own) and then runs run_chain (chain.h) on its own
// seeded generator, so its draws depend only on the run's seed and the
// chain's index: the same whether the chains run in parallel or not.
//
//   std::vector<ChainResult> r = run_chains(kernel_value, args, settings, first_potential, parallel);
//
// In parallel, the chains run on min(chains, cores) worker threads, each
// with a fork of the calling thread's interpreter (Interpreter::fork): the
// program's globals, the kernel (with its model), the arguments and the
// initial values are made immortal and read by all threads. LibTorch's own
// intra-op threads are limited to one meanwhile: the chains already fill
// the cores. Under handlers of the caller (a `with` block around the run)
// the chains stay on the calling thread, where those handlers are.
//
// A chain that fails stops the others at their next iteration (their
// ChainCancelled is swallowed) and its error is raised; Ctrl-C stops all
// of them (Interrupted). Draws already written to the chains' CSV files
// stay there.
#pragma once

#include <vector>

#include "inference/mcmc/chain.h"
#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

class Potential;

// `kernel_value` is an HMC or NUTS value, `reference` the potential of the
// run's first prototype: a chain whose model has other latent sites is a
// KilnError. `parallel` asks for threads (ignored for one chain, one core,
// or under the caller's handlers).
std::vector<ChainResult> run_chains(const Value& kernel_value, const CallArgs& args,
                                    std::vector<ChainSettings> settings, const Potential& reference, bool parallel);

}  // namespace kiln::rt
