// What `kiln svi` leaves in its output directory when a fit ends, besides
// loss.csv (loss_log.h) and the checkpoint (svi_checkpoint.h):
//
//   params.kparams   the param store (save_params' format)
//   loss.png         the loss curve with its running average (stdlib/plot/),
//                    on a log scale when every loss is positive
//   summary.csv      the posterior summary (posterior_summary.h), also
//                    printed on standard output as a table
//
// For auto-laplace the summary is that of the Laplace approximation at the
// fitted MAP (AutoLaplaceApproximation.laplace_approximation), whose params
// are then saved to params.kparams too.
#pragma once

#include <string>

#include "runtime/call_args.h"
#include "runtime/drivers/loss_log.h"
#include "runtime/value.h"

namespace kiln::rt {

struct SviOutputs {
  std::string dir;
  std::string title;          // of the loss plot: "model with auto-normal"
  size_t average_window = 100;  // the running average drawn over the loss
  int64_t summary_draws = 1000;
};

// loss.png from `log`. A failure (no gnuplot, say) is a warning on standard
// error, not an error: the fit itself succeeded.
void write_loss_plot(const LossLog& log, const SviOutputs& outputs);

// params.kparams, the summary (guide draws with `args`) on stdout and in
// summary.csv. Raises the guide's KilnErrors and KilnErrors for files that
// cannot be written.
void write_fit_results(const Value& guide, const CallArgs& args, const SviOutputs& outputs);

}  // namespace kiln::rt
