// `kiln svi`'s checkpoints: everything a run needs to continue exactly where
// it stopped, in two files of its output directory:
//
//   checkpoint.kparams   the param store (save_params' format, loadable by
//                        load_params in any program)
//   checkpoint.optim     the step, the random number generator's state, the
//                        optimizer's get_state(), the settings the run was
//                        started with, and the CRC-32 of the params file it
//                        belongs to (state_file.h; runtime/drivers/README.md)
//
// Each file is written atomically, but a run may be killed between the two.
// So the params are first saved as checkpoint.kparams.next, then
// checkpoint.optim (naming the new params' CRC) replaces the old one, and
// only then .next is renamed to checkpoint.kparams. Whenever the process
// dies, checkpoint.optim matches checkpoint.kparams or checkpoint.kparams.next,
// and read_svi_checkpoint picks the one whose CRC-32 it names (finishing
// the rename): a kill loses at most the steps since the last checkpoint.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

#include "runtime/value.h"

namespace kiln::rt {

// The settings a resumed run must share with the run it continues: a
// different guide or optimizer could not use the saved state.
struct SviRunIdentity {
  std::string file, model, guide, elbo, optim;
  int64_t num_particles = 1;
};

struct SviCheckpoint {
  int64_t step = 0;           // the last completed step (from 1)
  at::Tensor rng_state;       // the global generator's get_state() after that step
  Value optimizer_state;      // Optimizer::get_state()
  SviRunIdentity run;
  std::string params_path;    // when read: the params file that belongs to it
};

// The two file names, in `dir`.
std::string checkpoint_params_path(const std::string& dir);
std::string checkpoint_state_path(const std::string& dir);

// Saves the global param store and `checkpoint` into `dir` as above.
// Raises KilnError naming the file on failure; the previous checkpoint then
// stays usable.
void write_svi_checkpoint(const std::string& dir, const SviCheckpoint& checkpoint);

// Reads the checkpoint of `dir` without loading its params (the caller
// loads checkpoint.params_path when the run is ready for them). Raises
// UsageError if there is none, KilnError if it is damaged or the params
// file that belongs to it is missing.
SviCheckpoint read_svi_checkpoint(const std::string& dir);

}  // namespace kiln::rt
