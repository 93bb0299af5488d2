// The posterior summary table of MCMC draws (Pyro's mcmc.summary(), Stan's
// stansummary): one row per scalar element of each site, with the
// statistics of inference/mcmc/diagnostics.h.
//
//   auto rows = summarize({{"mu", mu_draws}, {"theta", theta_draws}});
//   std::cout << format_summary(rows);      // the table below
//   std::ofstream("summary.csv") << summary_csv(rows);
//
//                 mean        sd      mcse    median      5.0%     95.0%  n_eff(bulk)  n_eff(tail)     r_hat
//         mu      4.38      3.29      0.08      4.40     -1.07      9.72      1642.36      1321.24      1.00
//   theta[0]      6.21      5.62      0.11      5.60     -1.57     16.45      2210.95      2014.11      1.00
//
// Element names follow Pyro: a scalar site keeps its name, element (i, j) of
// a site is "theta[i,j]" (0-based, row-major order).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace kiln::rt {

struct SummaryRow {
  std::string name;  // "mu", "theta[0]", "L[1,0]"
  double mean, sd;
  double mcse_mean;  // Monte Carlo standard error of `mean`
  double q5, q50, q95;  // quantiles of the draws
  double ess_bulk, ess_tail;
  double r_hat;  // Stan's rank-normalized split R-hat (NaN for a constant)
};

// One row per element, sites in the given order. Each tensor holds a site's
// draws with shape (chains, draws, value dims...), any real dtype. Raises
// KilnError for a tensor with fewer than two dims.
std::vector<SummaryRow> summarize(const std::vector<std::pair<std::string, at::Tensor>>& samples_by_chain);

// The fixed-width table above, one line per row, numbers with two decimals;
// a row whose draws spread less than 0.005 or at least 1e6 shows its first
// six columns in scientific notation. Ends in a newline.
std::string format_summary(const std::vector<SummaryRow>& rows);

// The rows as CSV, with a header line
// name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,r_hat and 9
// significant digits; names with commas or quotes are quoted (RFC 4180).
std::string summary_csv(const std::vector<SummaryRow>& rows);

}  // namespace kiln::rt
