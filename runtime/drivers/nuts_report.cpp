#include "runtime/drivers/nuts_report.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "inference/mcmc/potential.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

std::string printf_number(const char* format, double x) {
  if (std::isnan(x)) return "nan";
  char text[40];
  std::snprintf(text, sizeof text, format, x);
  return text;
}

std::string plural(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string divergence_warning(const NutsReport& r, const NutsSettings& s) {
  std::string line = std::to_string(r.divergent) + " of " + std::to_string(r.draws) + " draws after warmup " +
                     (r.divergent == 1 ? "was" : "were") + " divergent";
  if (r.divergent_per_chain.size() > 1) {
    std::string per_chain;
    for (size_t c = 0; c < r.divergent_per_chain.size(); ++c)
      per_chain += (c ? ", " : "") + std::string("chain ") + std::to_string(c + 1) + ": " +
                   std::to_string(r.divergent_per_chain[c]);
    line += " (" + per_chain + ")";
  }
  // A divergence means the integrator failed in a region of high curvature
  // that the draws then under-represent: the summary may be biased.
  return line + "; increase --target-accept (now " + printf_number("%g", s.target_accept) +
         ") or reparameterize the model";
}

std::string saturation_warning(const NutsReport& r, const NutsSettings& s) {
  return std::to_string(r.saturated) + " of " + std::to_string(r.draws) + " draws after warmup hit the maximum " +
         "tree depth " + std::to_string(s.max_tree_depth) +
         " (the draws are valid but the sampler is slow); increase --max-tree-depth or reparameterize the model";
}

std::string rhat_warning(const SummaryRow& row) {
  if (std::isnan(row.r_hat))
    return row.name +
           ": R-hat is undefined (its draws are constant or not finite, or there are fewer than 4 "
           "per chain)";
  return row.name + ": R-hat is " + printf_number("%.3f", row.r_hat) + ", above " + printf_number("%g", kMaxGoodRhat) +
         ": the chains disagree; run more --warmup and --samples, or reparameterize the model";
}

std::string ess_warning(const SummaryRow& row, double threshold) {
  return row.name + ": too few effective draws (bulk ESS " + printf_number("%.0f", row.ess_bulk) + ", tail ESS " +
         printf_number("%.0f", row.ess_tail) + "; want at least " + printf_number("%.0f", threshold) + ", " +
         printf_number("%.0f", kMinEssPerChain) +
         " per chain): its estimates are unreliable; draw more --samples or reparameterize the model";
}

// Appends the first kMaxWarningsPerKind of `lines`, then one line for the rest.
void append_capped(std::vector<std::string>& out, const std::vector<std::string>& lines, const std::string& rest,
                   const NutsSettings& s) {
  for (size_t i = 0; i < lines.size() && i < kMaxWarningsPerKind; ++i) out.push_back(lines[i]);
  if (lines.size() > kMaxWarningsPerKind)
    out.push_back(
        plural(static_cast<int64_t>(lines.size() - kMaxWarningsPerKind), "more parameter", "more parameters") + " " +
        rest + " (every parameter's row is in " + s.summary_csv + ")");
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> draws_by_site(const Potential& potential,
                                                              const std::vector<ChainResult>& chains, int64_t samples) {
  const int64_t width = potential.value_dim();
  const auto float64 = at::TensorOptions().dtype(at::kDouble);
  std::vector<at::Tensor> per_chain;
  for (const ChainResult& chain : chains)
    per_chain.push_back(at::from_blob(const_cast<double*>(chain.values.data()), {samples, width}, float64));
  // stack copies, so the result does not point into `chains`.
  const at::Tensor all = at::stack(per_chain);
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const LatentBlock& b : potential.blocks()) {
    std::vector<int64_t> shape = {static_cast<int64_t>(chains.size()), samples};
    shape.insert(shape.end(), b.shape.begin(), b.shape.end());
    out.emplace_back(b.name, all.narrow(2, b.value_offset, b.value_size).reshape(shape));
  }
  return out;
}

NutsReport make_nuts_report(const Potential& potential, const std::vector<ChainResult>& chains,
                            const NutsSettings& settings) {
  NutsReport r;
  for (const LatentBlock& b : potential.blocks()) r.sites.emplace_back(b.name, b.value_size);
  r.rows = torch_guard("kiln nuts", [&] { return summarize(draws_by_site(potential, chains, settings.samples)); });
  for (const ChainResult& chain : chains) {
    int64_t divergent = 0;
    for (const DrawStats& d : chain.stats) {
      divergent += d.divergent ? 1 : 0;
      r.saturated += d.tree_depth >= settings.max_tree_depth ? 1 : 0;
    }
    r.draws += static_cast<int64_t>(chain.stats.size());
    r.divergent += divergent;
    r.divergent_per_chain.push_back(divergent);
  }
  return r;
}

void print_summary(const NutsReport& report, const NutsSettings& s, std::ostream& out) {
  std::vector<SummaryRow> shown;
  std::vector<std::string> notes;
  size_t next = 0;
  for (const auto& [site, elements] : report.sites) {
    const size_t count = static_cast<size_t>(elements);
    for (size_t k = 0; k < count && k < kMaxTableRowsPerSite; ++k) shown.push_back(report.rows[next + k]);
    if (count > kMaxTableRowsPerSite)
      notes.push_back("... " + std::to_string(count - kMaxTableRowsPerSite) + " more elements of '" + site + "' in " +
                      s.summary_csv);
    next += count;
  }
  out << "posterior summary (" << plural(s.chains, "chain", "chains") << " of " << s.samples << " draws after "
      << s.warmup << " warmup iterations):\n"
      << format_summary(shown);
  for (const std::string& note : notes) out << note << "\n";
  out.flush();
}

std::vector<std::string> chain_lines(const std::vector<ChainResult>& chains, const NutsSettings& s) {
  std::vector<std::string> lines;
  for (size_t c = 0; c < chains.size(); ++c) {
    const ChainResult& chain = chains[c];
    double leapfrogs = 0, accept = 0;
    for (const DrawStats& d : chain.stats) {
      leapfrogs += static_cast<double>(d.n_leapfrog);
      accept += d.accept_stat;
    }
    const double n = std::max<double>(1, static_cast<double>(chain.stats.size()));
    lines.push_back("chain " + std::to_string(c + 1) + ": step size " + printf_number("%.3g", chain.step_size) + ", " +
                    printf_number("%.1f", leapfrogs / n) + " leapfrog steps per draw, mean accept_stat " +
                    printf_number("%.2f", accept / n) + " (target " + printf_number("%g", s.target_accept) + "), " +
                    printf_number("%.2f", chain.warmup_seconds) + " s warmup + " +
                    printf_number("%.2f", chain.sampling_seconds) + " s sampling");
  }
  return lines;
}

std::vector<std::string> nuts_warnings(const NutsReport& report, const NutsSettings& s) {
  std::vector<std::string> out;
  if (report.divergent > 0) out.push_back(divergence_warning(report, s));
  if (report.saturated > 0) out.push_back(saturation_warning(report, s));
  const double min_ess = kMinEssPerChain * static_cast<double>(s.chains);
  std::vector<std::string> rhat, ess;
  for (const SummaryRow& row : report.rows) {
    if (!(row.r_hat <= kMaxGoodRhat)) rhat.push_back(rhat_warning(row));
    // An undefined R-hat already says why; its ESS is undefined for the same reason.
    if (!std::isnan(row.r_hat) && !(row.ess_bulk >= min_ess && row.ess_tail >= min_ess))
      ess.push_back(ess_warning(row, min_ess));
  }
  append_capped(out, rhat, "with R-hat above " + printf_number("%g", kMaxGoodRhat), s);
  append_capped(out, ess, "with too few effective draws", s);
  return out;
}

}  // namespace kiln::rt
