// What `kiln nuts` reports when its chains are done (the draws themselves
// are already in the chains' CmdStan CSV files):
//
//   NutsReport report = make_nuts_report(potential, chains, settings);
//   print_summary(report, settings, std::cout);   // the table, at most 20 rows per site
//   write_file_atomically(settings.summary_csv, summary_csv(report.rows));
//   for (const std::string& w : nuts_warnings(report, settings)) std::cerr << "warning: " << w << "\n";
//
// The warnings are those a careful reader of a Stan fit checks for, in this
// order: divergent transitions after warmup (the draws may be biased),
// draws that hit the maximum tree depth (the sampler is inefficient),
// then per scalar parameter R-hat above 1.01 and bulk or tail ESS below 100
// per chain (Vehtari et al. 2021's recommended thresholds), at most
// kMaxWarningsPerKind lines of each, then a line counting the rest.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "inference/mcmc/chain.h"
#include "inference/mcmc/summary.h"
#include "runtime/drivers/nuts_settings.h"

namespace kiln::rt {

class Potential;

// R-hat above this means the chains have not yet converged to one
// distribution (Vehtari et al. 2021, replacing the older 1.1).
constexpr double kMaxGoodRhat = 1.01;
// Below 100 effective draws per chain, R-hat itself and the MCSEs are
// unreliable (Vehtari et al. 2021): the bulk and tail ESS must each reach
// kMinEssPerChain * chains.
constexpr double kMinEssPerChain = 100;
// A site with thousands of elements (a local latent per data point) would
// bury the table and the warnings; the summary CSV has every row.
constexpr size_t kMaxTableRowsPerSite = 20;
constexpr size_t kMaxWarningsPerKind = 10;

struct NutsReport {
  // (site name, elements) in the model's site order: a site's rows are
  // the next `elements` entries of `rows`.
  std::vector<std::pair<std::string, int64_t>> sites;
  std::vector<SummaryRow> rows;
  int64_t draws = 0;      // after warmup, all chains
  int64_t divergent = 0;  // of those
  int64_t saturated = 0;  // of those, trees that reached --max-tree-depth
  std::vector<int64_t> divergent_per_chain;
};

// Each site's draws as summarize() takes them: (chains, samples, value
// shape...), float64.
std::vector<std::pair<std::string, at::Tensor>> draws_by_site(const Potential& potential,
                                                              const std::vector<ChainResult>& chains, int64_t samples);

// The summary rows and the counts the warnings need. Raises KilnError for
// LibTorch failures (torch_guard).
NutsReport make_nuts_report(const Potential& potential, const std::vector<ChainResult>& chains,
                            const NutsSettings& settings);

// "posterior summary (...):", the table of inference/mcmc/summary.h with at
// most kMaxTableRowsPerSite rows per site, and a line per site cut short.
void print_summary(const NutsReport& report, const NutsSettings& settings, std::ostream& out);

// One line per chain: the adapted step size, leapfrog steps per draw, the
// mean acceptance statistic and the time taken.
std::vector<std::string> chain_lines(const std::vector<ChainResult>& chains, const NutsSettings& settings);

// The warnings above, without the "warning: " prefix; empty when the run
// looks healthy.
std::vector<std::string> nuts_warnings(const NutsReport& report, const NutsSettings& settings);

}  // namespace kiln::rt
