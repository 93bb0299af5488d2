// Writes one chain's draws to a CmdStan-compatible CSV file as they are
// made, so CmdStan's tools (stansummary, cmdstanpy, CmdStanR, posterior)
// read Kiln's output, and a killed run keeps every finished draw (each line
// is flushed). The layout is CmdStan's (see inference/mcmc/README.md):
//
//   # model = eight_schools              config, from stan_csv_config_lines
//   # method = sample (Default)
//   # ...
//   lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu,theta.1,theta.2
//   # Adaptation terminated              write_adaptation
//   # Step size = 0.7
//   # Diagonal elements of inverse mass matrix:
//   # 1.2, 0.9, 1.1
//   -4.1,0.93,0.7,3,7,0,6.2,1.5,0.3,2.2  write_draw, one line per draw
//   #
//   #  Elapsed Time: 1.2 seconds (Warm-up)   write_timing
//   #                3.4 seconds (Sampling)
//   #                4.6 seconds (Total)
//   #
//
// Usage:
//   std::vector<std::string> names = {"mu"};
//   for (auto& n : stan_column_names("theta", {2})) names.push_back(n);
//   StanCsvWriter csv("chain1.csv", stan_csv_config_lines(config), names);
//   csv.write_adaptation(step_size, inverse_mass_diagonal);
//   csv.write_draw(stats, at::cat({mu.reshape(-1), stan_column_values(theta)}));
//   csv.write_timing(warmup_s, sampling_s);
//
// Numbers are written with 9 significant digits (CmdStan: 6), NaN as "nan".
// Failures to open or write the file raise KilnError naming the path and
// the system's reason; misuse by the caller (a wrong number of values,
// writing after close) is an InternalError. Not thread-safe: one writer per
// chain.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace kiln::rt {

// What the configuration comments say; the defaults are CmdStan's, and a
// setting equal to CmdStan's default is marked "(Default)" as CmdStan does.
struct StanCsvConfig {
  std::string model_name;
  std::string engine = "nuts";  // "nuts", or "static" for plain HMC
  int64_t num_samples = 1000;
  int64_t num_warmup = 1000;
  int64_t thin = 1;
  bool adapt_engaged = true;
  double adapt_delta = 0.8;     // target acceptance statistic
  int64_t max_depth = 10;       // nuts only
  double int_time = 6.28318530717958648;  // static only: integration time, 2 pi
  std::string metric = "diag_e";  // "unit_e", "diag_e" or "dense_e"
  double stepsize = 1.0;          // initial step size
  double stepsize_jitter = 0.0;
  int64_t chain_id = 1;
  uint64_t seed = 0;
  std::string data_file;    // "" when the model has no data file
  std::string output_file;  // this file, as the config names it
};

// The configuration block, in CmdStan's nesting (without the "# " that the
// writer adds): "model = m", "method = sample (Default)", "  sample", ...
// cmdstanpy needs at least model, method, metric, max_depth (nuts) and
// save_warmup from it.
std::vector<std::string> stan_csv_config_lines(const StanCsvConfig& config);

// CmdStan's column names for a value of the given shape: "mu" for a scalar,
// "theta.1", "theta.2" for a vector (1-based), "L.1.1", "L.2.1", "L.1.2"...
// for a matrix: column-major, as Stan serializes containers.
std::vector<std::string> stan_column_names(const std::string& name, at::IntArrayRef shape);
// A value's elements in the order of stan_column_names (column-major), as a
// 1-D float64 tensor.
at::Tensor stan_column_values(const at::Tensor& value);

// The sampler's columns of one draw.
struct StanDrawStats {
  double lp = 0.0;           // log density at the draw (up to a constant)
  double accept_stat = 0.0;  // mean Metropolis acceptance probability of the trajectory
  double stepsize = 0.0;
  int64_t treedepth = 0;
  int64_t n_leapfrog = 0;
  bool divergent = false;
  double energy = 0.0;  // Hamiltonian at the draw
};

class StanCsvWriter {
 public:
  // Creates (truncates) `path` and writes the config lines as comments and
  // the header line. Raises KilnError if the file cannot be written or a
  // parameter name contains a comma, a quote or a line break.
  StanCsvWriter(std::string path, const std::vector<std::string>& config_lines,
                const std::vector<std::string>& parameter_names);
  ~StanCsvWriter();  // closes the file (errors there are ignored: call close())
  StanCsvWriter(const StanCsvWriter&) = delete;
  StanCsvWriter& operator=(const StanCsvWriter&) = delete;

  // The adaptation block CmdStan writes between the header and the first
  // draw: the adapted step size and the inverse metric, a 1-D diagonal
  // ("Diagonal elements of inverse mass matrix:", one line) or a 2-D dense
  // matrix ("Elements of inverse mass matrix:", one line per row); an
  // undefined or empty tensor writes no metric (unit_e).
  void write_adaptation(double step_size, const at::Tensor& inverse_metric);
  // One line: the sampler's columns, then `parameters`, a tensor with one
  // element per parameter name (flattened in order).
  void write_draw(const StanDrawStats& stats, const at::Tensor& parameters);
  // The elapsed-time trailer.
  void write_timing(double warmup_seconds, double sampling_seconds);
  // Flushes and closes; raises KilnError if the file could not be completed.
  void close();

  const std::string& path() const { return path_; }
  int64_t draws_written() const { return draws_written_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  // Writes text and a newline, then flushes, so the line survives a crash.
  void write_line(const std::string& text);

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  size_t parameter_count_;
  int64_t draws_written_ = 0;
};

}  // namespace kiln::rt
