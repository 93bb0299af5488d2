#include "inference/mcmc/summary.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "inference/mcmc/diagnostics.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// Columns of the table: title and width. n_eff titles are 11 characters.
struct Column {
  std::string_view title;
  int width;
};
constexpr Column kColumns[] = {{"mean", 10},         {"sd", 10},          {"mcse", 10},
                               {"median", 10},       {"5.0%", 10},        {"95.0%", 10},
                               {"n_eff(bulk)", 13},  {"n_eff(tail)", 13}, {"r_hat", 10}};
// A row whose spread (largest of |5%|, |95%|, sd) is below this would print
// as 0.00 with two decimals: its location and scale columns go scientific.
constexpr double kSmallestFixed = 0.005;
// From here on fixed notation gets wider than a column.
constexpr double kLargestFixed = 1e6;
// The first six columns are on the scale of the draws; ESS and R-hat are not.
constexpr size_t kColumnsOnDrawScale = 6;

// "theta[1,0]" for element (1, 0); `index` counts elements in row-major order.
std::string element_name(const std::string& site, at::IntArrayRef value_shape, int64_t index) {
  if (value_shape.empty()) return site;
  std::vector<int64_t> position(value_shape.size());
  for (size_t d = value_shape.size(); d-- > 0;) {
    position[d] = index % value_shape[d];
    index /= value_shape[d];
  }
  std::string name = site + "[";
  for (size_t d = 0; d < position.size(); ++d) name += (d ? "," : "") + std::to_string(position[d]);
  return name + "]";
}

std::string format_number(double v, bool scientific) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[40];
  std::snprintf(text, sizeof text, scientific ? "%.2e" : "%.2f", v);
  return text;
}

bool needs_scientific(const SummaryRow& row) {
  double spread = 0.0;
  for (double v : {row.q5, row.q95, row.sd}) {
    if (std::isfinite(v)) spread = std::max(spread, std::abs(v));
  }
  return spread > 0.0 && (spread < kSmallestFixed || spread >= kLargestFixed);
}

std::string csv_number(double v) {
  if (std::isnan(v)) return "nan";  // not printf's "-nan"
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void append_padded(std::string& out, std::string_view text, int width) {
  if (static_cast<int>(text.size()) < width) out.append(width - text.size(), ' ');
  out += text;
}

}  // namespace

std::vector<SummaryRow> summarize(const std::vector<std::pair<std::string, at::Tensor>>& samples_by_chain) {
  std::vector<SummaryRow> rows;
  for (const auto& [site, samples] : samples_by_chain) {
    if (samples.dim() < 2) {
      raise("summarize(): the samples of '" + site + "' must have shape (chains, draws, ...), got shape " +
            shape_to_string(samples.sizes().vec()));
    }
    torch_guard("summarize", [&] {
      const at::IntArrayRef value_shape = samples.sizes().slice(2);
      const at::Tensor elements = samples.detach().to(at::kCPU, at::kDouble).reshape({samples.size(0), samples.size(1), -1});
      for (int64_t k = 0; k < elements.size(2); ++k) {
        const DrawStatistics s = compute_draw_statistics(elements.select(2, k));
        rows.push_back({element_name(site, value_shape, k), s.mean, s.sd, s.mcse_mean, s.q5, s.q50, s.q95,
                        s.ess_bulk, s.ess_tail, s.r_hat});
      }
    });
  }
  return rows;
}

std::string format_summary(const std::vector<SummaryRow>& rows) {
  size_t name_width = 0;
  for (const SummaryRow& row : rows) name_width = std::max(name_width, row.name.size());
  std::string out(name_width, ' ');
  for (const Column& column : kColumns) append_padded(out, column.title, column.width);
  out += '\n';
  for (const SummaryRow& row : rows) {
    append_padded(out, row.name, static_cast<int>(name_width));
    const double values[] = {row.mean, row.sd,       row.mcse_mean, row.q50,  row.q5,
                             row.q95,  row.ess_bulk, row.ess_tail,  row.r_hat};
    const bool scientific = needs_scientific(row);
    for (size_t i = 0; i < std::size(values); ++i) {
      append_padded(out, format_number(values[i], scientific && i < kColumnsOnDrawScale), kColumns[i].width);
    }
    out += '\n';
  }
  return out;
}

std::string summary_csv(const std::vector<SummaryRow>& rows) {
  std::string out = "name,mean,sd,mcse_mean,q5,q50,q95,ess_bulk,ess_tail,r_hat\n";
  for (const SummaryRow& row : rows) {
    out += csv_field(row.name);
    for (double v : {row.mean, row.sd, row.mcse_mean, row.q5, row.q50, row.q95, row.ess_bulk, row.ess_tail, row.r_hat}) {
      out += ',' + csv_number(v);
    }
    out += '\n';
  }
  return out;
}

}  // namespace kiln::rt
