#include "inference/mcmc/stan_csv_writer.h"

#include <ATen/ATen.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

#include "runtime/errors.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// CmdStan's defaults, so the config block marks them "(Default)" as it does.
constexpr int64_t kDefaultNumSamples = 1000;
constexpr int64_t kDefaultNumWarmup = 1000;
constexpr double kDefaultAdaptDelta = 0.8;
constexpr int64_t kDefaultMaxDepth = 10;

// Characters that would split a column name or open a quoted field.
constexpr std::string_view kForbiddenInNames = ",\"\r\n";

// %.9g keeps float32 draws exact and float64 ones to 9 digits.
std::string csv_number(double v) {
  if (std::isnan(v)) return "nan";  // not printf's "-nan"
  char text[40];
  std::snprintf(text, sizeof text, "%.9g", v);
  return text;
}

// Config values as CmdStan prints them: 0.8, 1, 6.28319.
std::string config_number(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// "key = value" at a nesting depth, marked as CmdStan marks default settings.
std::string setting(int depth, std::string_view key, const std::string& value, bool is_default = false) {
  return std::string(2 * depth, ' ') + std::string(key) + " = " + value + (is_default ? " (Default)" : "");
}

std::string section(int depth, std::string_view name) { return std::string(2 * depth, ' ') + std::string(name); }

void check_column_name(const std::string& path, const std::string& name) {
  if (!name.empty() && name.find_first_of(kForbiddenInNames) == std::string::npos) return;
  raise("the draws file '" + path + "' cannot have a column named '" + name +
            "': CSV column names must be non-empty, without commas, quotes or line breaks",
        "rename the site");
}

}  // namespace

std::vector<std::string> stan_csv_config_lines(const StanCsvConfig& c) {
  std::vector<std::string> lines = {
      setting(0, "model", c.model_name),
      setting(0, "method", "sample", true),
      section(1, "sample"),
      setting(2, "num_samples", std::to_string(c.num_samples), c.num_samples == kDefaultNumSamples),
      setting(2, "num_warmup", std::to_string(c.num_warmup), c.num_warmup == kDefaultNumWarmup),
      setting(2, "save_warmup", "0", true),
      setting(2, "thin", std::to_string(c.thin), c.thin == 1),
      section(2, "adapt"),
      setting(3, "engaged", c.adapt_engaged ? "1" : "0", c.adapt_engaged),
      setting(3, "delta", config_number(c.adapt_delta), c.adapt_delta == kDefaultAdaptDelta),
      setting(2, "algorithm", "hmc", true),
      section(3, "hmc"),
      setting(4, "engine", c.engine, c.engine == "nuts"),
      section(5, c.engine),
  };
  if (c.engine == "nuts") {
    lines.push_back(setting(6, "max_depth", std::to_string(c.max_depth), c.max_depth == kDefaultMaxDepth));
  } else {
    lines.push_back(setting(6, "int_time", config_number(c.int_time), c.int_time == StanCsvConfig{}.int_time));
  }
  const std::vector<std::string> rest = {
      setting(4, "metric", c.metric, c.metric == "diag_e"),
      setting(4, "stepsize", config_number(c.stepsize), c.stepsize == 1.0),
      setting(4, "stepsize_jitter", config_number(c.stepsize_jitter), c.stepsize_jitter == 0.0),
      setting(2, "num_chains", "1", true),
      setting(0, "id", std::to_string(c.chain_id), c.chain_id == 1),
      section(0, "data"),
      setting(1, "file", c.data_file, c.data_file.empty()),
      section(0, "random"),
      setting(1, "seed", std::to_string(c.seed)),
      section(0, "output"),
      setting(1, "file", c.output_file),
  };
  lines.insert(lines.end(), rest.begin(), rest.end());
  return lines;
}

std::vector<std::string> stan_column_names(const std::string& name, at::IntArrayRef shape) {
  if (shape.empty()) return {name};
  int64_t count = 1;
  for (int64_t size : shape) count *= size;
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) {
    std::string column = name;
    int64_t rest = k;
    for (int64_t size : shape) {  // the first index varies fastest: column-major
      column += "." + std::to_string(rest % size + 1);
      rest /= size;
    }
    names.push_back(std::move(column));
  }
  return names;
}

at::Tensor stan_column_values(const at::Tensor& value) {
  return torch_guard("stan_column_values", [&] {
    at::Tensor v = value.detach().to(at::kCPU, at::kDouble);
    if (v.dim() > 1) {
      std::vector<int64_t> reversed(static_cast<size_t>(v.dim()));
      for (int64_t d = 0; d < v.dim(); ++d) reversed[d] = v.dim() - 1 - d;
      v = v.permute(reversed);
    }
    return v.contiguous().reshape({-1});
  });
}

StanCsvWriter::StanCsvWriter(std::string path, const std::vector<std::string>& config_lines,
                             const std::vector<std::string>& parameter_names)
    : path_(std::move(path)), parameter_count_(parameter_names.size()) {
  for (const std::string& name : parameter_names) check_column_name(path_, name);
  file_.reset(std::fopen(path_.c_str(), "w"));
  if (!file_) raise("cannot write the draws file '" + path_ + "': " + std::strerror(errno));
  for (const std::string& line : config_lines) write_line(line.empty() ? "#" : "# " + line);
  std::string header = "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__";
  for (const std::string& name : parameter_names) header += "," + name;
  write_line(header);
}

StanCsvWriter::~StanCsvWriter() = default;

void StanCsvWriter::write_line(const std::string& text) {
  KILN_ASSERT(file_, "StanCsvWriter: write after close");
  const bool ok = std::fputs(text.c_str(), file_.get()) >= 0 && std::fputc('\n', file_.get()) != EOF &&
                  std::fflush(file_.get()) == 0;
  if (!ok) raise("writing the draws file '" + path_ + "' failed: " + std::strerror(errno));
}

void StanCsvWriter::write_adaptation(double step_size, const at::Tensor& inverse_metric) {
  write_line("# Adaptation terminated");
  write_line("# Step size = " + csv_number(step_size));
  if (!inverse_metric.defined() || inverse_metric.numel() == 0) return;
  KILN_ASSERT(inverse_metric.dim() == 1 || inverse_metric.dim() == 2,
              "StanCsvWriter: the inverse metric must be a vector or a matrix");
  const at::Tensor metric = torch_guard("StanCsvWriter", [&] {
    return inverse_metric.detach().to(at::kCPU, at::kDouble).contiguous().reshape({-1, inverse_metric.size(-1)});
  });
  write_line(inverse_metric.dim() == 1 ? "# Diagonal elements of inverse mass matrix:"
                                       : "# Elements of inverse mass matrix:");
  const auto values = metric.accessor<double, 2>();
  for (int64_t row = 0; row < metric.size(0); ++row) {
    std::string line = "# ";
    for (int64_t col = 0; col < metric.size(1); ++col) line += (col ? ", " : "") + csv_number(values[row][col]);
    write_line(line);
  }
}

void StanCsvWriter::write_draw(const StanDrawStats& stats, const at::Tensor& parameters) {
  KILN_ASSERT(static_cast<size_t>(parameters.numel()) == parameter_count_,
              "StanCsvWriter: a draw must have one value per parameter column");
  const at::Tensor values = torch_guard("StanCsvWriter", [&] {
    return parameters.detach().to(at::kCPU, at::kDouble).contiguous().reshape({-1});
  });
  std::string line = csv_number(stats.lp) + "," + csv_number(stats.accept_stat) + "," + csv_number(stats.stepsize) +
                     "," + std::to_string(stats.treedepth) + "," + std::to_string(stats.n_leapfrog) + "," +
                     (stats.divergent ? "1" : "0") + "," + csv_number(stats.energy);
  const double* data = values.data_ptr<double>();
  for (size_t i = 0; i < parameter_count_; ++i) line += "," + csv_number(data[i]);
  write_line(line);
  ++draws_written_;
}

void StanCsvWriter::write_timing(double warmup_seconds, double sampling_seconds) {
  write_line("#");
  write_line("#  Elapsed Time: " + config_number(warmup_seconds) + " seconds (Warm-up)");
  write_line("#                " + config_number(sampling_seconds) + " seconds (Sampling)");
  write_line("#                " + config_number(warmup_seconds + sampling_seconds) + " seconds (Total)");
  write_line("#");
}

void StanCsvWriter::close() {
  if (!file_) return;
  std::FILE* f = file_.release();
  if (std::fclose(f) != 0) raise("closing the draws file '" + path_ + "' failed: " + std::strerror(errno));
}

}  // namespace kiln::rt
