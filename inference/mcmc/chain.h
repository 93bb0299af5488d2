// One MCMC chain from start to end: its own seeded generator (a
// GeneratorScope over make_seeded_generator(chain_seed(seed, chain)), so a
// chain's draws depend only on the run's seed and its index), the initial
// point, warmup with adaptation,
// then the draws, each streamed to the chain's CmdStan CSV (when asked)
// as it is made. MCMC (mcmc.h) runs one per chain.
//
//   ChainResult r = run_chain(kernel, potential, settings);
//   r.values[i * potential.value_dim() + k]   // element k of draw i, constrained
//
// Runs on the calling thread, which must have an interpreter installed if
// the model is .ppl code (chains on other threads each have a fork of it,
// Interpreter::fork). Ctrl-C stops it between iterations (Interrupted), as
// does the settings' `cancel` flag (ChainCancelled: another chain failed).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "inference/mcmc/hmc.h"
#include "runtime/value.h"

namespace kiln::rt {

class McmcKernel;
class Potential;
class ProgressBoard;

// Thrown by run_chain when its cancel flag is set.
struct ChainCancelled {};

struct ChainSettings {
  int64_t chain = 0;  // 0-based
  int64_t num_chains = 1;
  int64_t num_warmup = 0;
  int64_t num_samples = 0;
  uint64_t seed = 0;  // the run's seed (the CSV records it with the chain id)
  Value initial_params;  // None or a dict of constrained values
  bool progress = true;
  std::string csv_path;    // "" for no CSV
  std::string model_name;  // for the CSV's config block
  std::string data_file;   // ditto ("" when the model's arguments came from no file)
  ProgressBoard* board = nullptr;             // the shared line of parallel chains
  const std::atomic<bool>* cancel = nullptr;  // set: stop between iterations
};

struct ChainResult {
  // Constrained draws, num_samples rows of potential.value_dim() float64
  // values, sites in Potential::blocks() order, each row-major.
  std::vector<double> values;
  std::vector<DrawStats> stats;  // one per draw after warmup
  double step_size = 0;          // after warmup
  std::vector<double> inverse_metric;  // after warmup (Metric::inverse())
  double warmup_seconds = 0, sampling_seconds = 0;
};

// The seed of chain `chain`'s generator: a hash of the run's seed and the
// index (SplitMix64's finalizer), rather than seed + chain, so that runs with
// nearby seeds share no chain (with seed + chain, MCMC(seed=1)'s second chain
// would be MCMC(seed=2)'s first).
uint64_t chain_seed(uint64_t seed, int64_t chain);

ChainResult run_chain(const McmcKernel& kernel, const Potential& potential, const ChainSettings& settings);

}  // namespace kiln::rt
