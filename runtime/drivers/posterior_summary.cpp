#include "runtime/drivers/posterior_summary.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "inference/particle.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

// The draws of one site, each flattened to float64.
struct SiteDraws {
  std::vector<int64_t> shape;
  std::vector<at::Tensor> values;
  bool ragged = false;
};

bool is_latent(const Message& m) {
  return m.type == MessageType::kSample && !m.is_observed && !is_auxiliary(m) && m.value && is_tensor(*m.value);
}

// "[i,j]" of flat index `flat` in a row-major `shape`; "" for a scalar.
std::string element_name(const std::vector<int64_t>& shape, int64_t flat) {
  if (shape.empty()) return "";
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  std::string out = "[";
  for (size_t d = 0; d < index.size(); ++d) out += (d == 0 ? "" : ",") + std::to_string(index[d]);
  return out + "]";
}

// Quantile q of sorted column `c` of `sorted` (n rows), interpolating linearly.
double quantile(const at::TensorAccessor<double, 2>& sorted, int64_t n, int64_t c, double q) {
  const double position = q * static_cast<double>(n - 1);
  const auto below = static_cast<int64_t>(std::floor(position));
  const int64_t above = std::min(below + 1, n - 1);
  const double frac = position - static_cast<double>(below);
  return sorted[below][c] + frac * (sorted[above][c] - sorted[below][c]);
}

void summarize_site(const std::string& name, const SiteDraws& site, std::vector<GuideSummaryRow>& rows) {
  const at::Tensor stacked = at::stack(site.values);  // (n, elements)
  const int64_t n = stacked.size(0), elements = stacked.size(1);
  const at::Tensor mean = stacked.mean(0);
  const at::Tensor sd = n > 1 ? stacked.std(0, /*unbiased=*/true) : at::zeros_like(mean);
  const at::Tensor sorted = std::get<0>(stacked.sort(0)).contiguous();
  const auto s = sorted.accessor<double, 2>();
  for (int64_t c = 0; c < elements; ++c) {
    GuideSummaryRow row;
    row.site = name;
    row.element = element_name(site.shape, c);
    row.mean = mean[c].item<double>();
    row.sd = sd[c].item<double>();
    row.q05 = quantile(s, n, c, 0.05);
    row.q50 = quantile(s, n, c, 0.50);
    row.q95 = quantile(s, n, c, 0.95);
    rows.push_back(std::move(row));
  }
}

std::string table_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

std::string csv_number(double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return ec == std::errc() ? std::string(buffer, end) : "nan";
}

// RFC 4180: a field with a comma or a quote is quoted, quotes doubled.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

PosteriorSummary summarize_guide(const Value& guide, const CallArgs& args, int64_t draws) {
  at::NoGradGuard no_grad;
  std::vector<std::string> order;
  std::unordered_map<std::string, SiteDraws> sites;
  for (int64_t i = 0; i < draws; ++i) {
    TraceMessenger tracer;
    {
      HandlerScope scope(tracer);
      call_value(guide, args);
    }
    for (const Message& m : tracer.trace().sites()) {
      if (!is_latent(m)) continue;
      const at::Tensor& value = tensor_of(*m.value);
      auto [it, added] = sites.try_emplace(m.name);
      SiteDraws& site = it->second;
      if (added) {
        order.push_back(m.name);
        site.shape = value.sizes().vec();
      }
      if (site.ragged) continue;
      if (value.sizes().vec() != site.shape) {
        site.ragged = true;
        continue;
      }
      site.values.push_back(value.detach().to(at::kCPU, at::kDouble).reshape({-1}));
    }
  }
  PosteriorSummary summary;
  summary.draws = draws;
  for (const std::string& name : order) {
    const SiteDraws& site = sites.at(name);
    if (site.ragged) {
      summary.skipped_sites.push_back(name);
      continue;
    }
    summarize_site(name, site, summary.rows);
  }
  return summary;
}

std::string print_summary_table(const PosteriorSummary& summary, size_t max_rows_per_site) {
  const std::vector<std::string> header = {"site", "mean", "sd", "5%", "50%", "95%"};
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> notes;
  std::unordered_map<std::string, size_t> shown;
  for (const GuideSummaryRow& r : summary.rows) {
    if (shown[r.site]++ >= max_rows_per_site) continue;
    cells.push_back({r.name(), table_number(r.mean), table_number(r.sd), table_number(r.q05), table_number(r.q50),
                     table_number(r.q95)});
  }
  for (const auto& [site, count] : shown)
    if (count > max_rows_per_site)
      notes.push_back("... " + std::to_string(count - max_rows_per_site) + " more elements of '" + site +
                      "' in summary.csv");
  std::sort(notes.begin(), notes.end());
  for (const std::string& site : summary.skipped_sites)
    notes.push_back("'" + site + "' skipped: its shape changes from one draw of the guide to the next");

  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : cells) width[c] = std::max(width[c], row[c].size());
  }
  auto format_row = [&](const std::vector<std::string>& row) {
    std::string line = row[0] + std::string(width[0] - row[0].size(), ' ');
    for (size_t c = 1; c < row.size(); ++c) line += "  " + std::string(width[c] - row[c].size(), ' ') + row[c];
    return line + "\n";
  };
  std::string out = format_row(header);
  for (const auto& row : cells) out += format_row(row);
  for (const std::string& note : notes) out += note + "\n";
  return out;
}

std::string summary_csv(const PosteriorSummary& summary) {
  std::string out = "name,mean,sd,5%,50%,95%\n";
  for (const GuideSummaryRow& r : summary.rows)
    out += csv_field(r.name()) + "," + csv_number(r.mean) + "," + csv_number(r.sd) + "," + csv_number(r.q05) +
           "," + csv_number(r.q50) + "," + csv_number(r.q95) + "\n";
  return out;
}

}  // namespace kiln::rt
