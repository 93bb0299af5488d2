#include "runtime/drivers/svi_outputs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "inference/autoguide/auto_continuous.h"
#include "runtime/atomic_file.h"
#include "runtime/drivers/posterior_summary.h"
#include "runtime/errors.h"
#include "runtime/interrupt.h"
#include "runtime/param_store_file.h"
#include "stdlib/plot/line_plot.h"

namespace kiln::rt {

namespace {

// A site with thousands of elements (a local latent per data point) would
// bury the table; the CSV file has every row.
constexpr size_t kMaxTableRowsPerSite = 20;

std::string in_dir(const SviOutputs& outputs, const char* name) {
  return (std::filesystem::path(outputs.dir) / name).string();
}

std::vector<double> running_average(const std::vector<double>& values, size_t window) {
  std::vector<double> out;
  out.reserve(values.size());
  double sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push_back(sum / static_cast<double>(std::min(i + 1, window)));
  }
  return out;
}

}  // namespace

void write_loss_plot(const LossLog& log, const SviOutputs& outputs) {
  if (log.losses().empty()) return;
  LinePlot plot;
  for (int64_t step : log.steps()) plot.x.push_back(static_cast<double>(step));
  const std::vector<double>& losses = log.losses();
  plot.lines.push_back(PlotLine{losses, "loss", std::nullopt});
  plot.lines.push_back(PlotLine{running_average(losses, outputs.average_window),
                                "average of the last " + std::to_string(outputs.average_window), std::nullopt});
  plot.title = "SVI loss: " + outputs.title;
  plot.xlabel = "step";
  plot.ylabel = "loss (-ELBO)";
  plot.log_y = std::all_of(losses.begin(), losses.end(), [](double x) { return std::isfinite(x) && x > 0; });
  const std::string path = in_dir(outputs, "loss.png");
  try {
    write_line_plot(plot, path);
  } catch (const Interrupted&) {
    throw;  // Ctrl-C stopped gnuplot: the user wants the run to stop
  } catch (const KilnError& e) {
    std::cerr << "kiln svi: warning: " << path << " not written: " << e.what() << "\n";
  }
}

void write_fit_results(const Value& guide, const CallArgs& args, const SviOutputs& outputs) {
  const std::string params_path = in_dir(outputs, "params.kparams");
  save_params(params_path);
  Value summary_guide = guide;
  std::string what = std::to_string(outputs.summary_draws) + " draws of the guide";
  if (auto* laplace = guide.is(ObjKind::kNative) ? dynamic_cast<AutoLaplaceApproximation*>(guide.obj()) : nullptr) {
    summary_guide = laplace->laplace_approximation(args);
    what = std::to_string(outputs.summary_draws) + " draws of the Laplace approximation at the MAP";
    save_params(params_path);  // now with the approximation's loc and scale_tril
  }
  const PosteriorSummary summary = summarize_guide(summary_guide, args, outputs.summary_draws);
  write_file_atomically(in_dir(outputs, "summary.csv"), summary_csv(summary));
  std::cout << "posterior summary (" << what << "):\n";
  if (summary.rows.empty() && summary.skipped_sites.empty()) {
    std::cout << "the guide draws no latent sites\n";
  } else {
    std::cout << print_summary_table(summary, kMaxTableRowsPerSite);
  }
  std::cout.flush();
}

}  // namespace kiln::rt
