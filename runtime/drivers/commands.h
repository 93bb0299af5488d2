// The commands kiln_runtime_drive runs, one function per command, each in
// its own file (render_command.cpp, svi_command.cpp, nuts_command.cpp) and
// listed in drive_entry.cpp's table. Each returns an exit code of
// cli/exit_codes.h and reports its own errors (driver.h:
// LoadedProgram::run_reporting).
#pragma once

#include "runtime/drivers/driver.h"

namespace kiln::rt {

// `kiln render file.ppl --model NAME [--data FILE] [--distributions]
// [--params] -o OUT [-- args...]`. Options: "model", "output" (strings,
// required), "data" (string), "distributions", "params" (bools).
int render_command(const DriveRequest& request);

// `kiln svi file.ppl --model NAME --guide NAME|auto-... --steps N --lr X
// [--optim ...] [--elbo ...] [--data FILE] [--output-dir DIR] [...]`.
// Options: the strings "model", "guide", "data", "optim", "elbo",
// "output_dir"; the ints "steps", "num_particles", "checkpoint_every",
// "progress_every"; the number "lr"; the bool "resume" (svi_settings.h).
int svi_command(const DriveRequest& request);

// `kiln nuts file.ppl --model NAME [--data FILE] [--samples N] [--warmup N]
// [--chains K] [--output draws.csv] [--summary-csv PATH] [--dense]
// [--max-tree-depth D] [--target-accept P]`. Options: the strings "model",
// "data", "output", "summary_csv"; the ints "samples", "warmup", "chains",
// "max_tree_depth"; the number "target_accept"; the bool "dense"
// (nuts_settings.h).
int nuts_command(const DriveRequest& request);

}  // namespace kiln::rt
