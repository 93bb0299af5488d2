// The posterior summary `kiln svi` prints when a fit ends: the guide is run
// `draws` times under a trace (gradients off) with the model's arguments,
// and every latent site it draws -- sample sites that are neither observed
// nor auxiliary -- is summarized, each element of a non-scalar site on a row
// of its own (z[0], z[1], w[0,2]):
//
//   site    mean    sd       5%     50%    95%
//   mu      1.566   0.3117   1.054  1.567  2.081
//
// Quantiles interpolate linearly between order statistics (numpy's
// default); sd divides by draws - 1. A site whose shape changes from one
// draw to the next cannot be summarized element by element and is listed
// as skipped. The draws take numbers from the global generator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/value.h"

namespace kiln::rt {

struct GuideSummaryRow {
  std::string site;     // "w"
  std::string element;  // "[0,2]"; "" for a scalar site
  double mean = 0, sd = 0, q05 = 0, q50 = 0, q95 = 0;
  std::string name() const { return site + element; }
};

struct PosteriorSummary {
  int64_t draws = 0;
  std::vector<GuideSummaryRow> rows;             // sites in the guide's order, elements in row-major order
  std::vector<std::string> skipped_sites;   // shapes that changed between draws
};

// Raises the guide's KilnErrors.
PosteriorSummary summarize_guide(const Value& guide, const CallArgs& args, int64_t draws);

// The table for a terminal, at most `max_rows_per_site` rows per site (a
// line says how many more are in the CSV file).
std::string print_summary_table(const PosteriorSummary& summary, size_t max_rows_per_site);

// Every row as CSV: "name,mean,sd,5%,50%,95%", numbers in full precision.
std::string summary_csv(const PosteriorSummary& summary);

}  // namespace kiln::rt
