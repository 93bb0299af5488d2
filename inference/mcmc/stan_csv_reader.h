// Reads a Stan CSV file (CmdStan's sampler output, or StanCsvWriter's) back:
// column names, draws as a float64 tensor, and the adaptation results. Used
// to recompute a summary from saved chains (`kiln nuts`) and by the tests.
//
//   StanCsv chain = read_stan_csv("chain1.csv");
//   at::Tensor mu = chain.draws.select(1, chain.column("mu"));   // (draws,)
//
// Comment lines ("#...") may appear anywhere and are kept; empty lines are
// skipped; the first other line is the header. Values may be numbers, nan,
// inf, +inf or -inf. A malformed file raises KilnError naming the file and
// line: "chain1.csv:12: expected 10 values as the header has, got 9".
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::rt {

struct StanCsv {
  std::vector<std::string> column_names;
  at::Tensor draws;                   // (draws, columns), float64, in file order
  std::vector<std::string> comments;  // every comment line, without its '#'
  // From the adaptation block: "# Step size = x" (NaN if absent) and the
  // inverse metric, (n,) diagonal or (n, n) dense (undefined if absent).
  double step_size = std::numeric_limits<double>::quiet_NaN();
  at::Tensor inverse_metric;

  // Index of the column named `name`, or -1.
  int64_t column(std::string_view name) const;
};

// Raises KilnError if the file cannot be read, has no header line, or a line
// has a wrong number of values or a value that is not a number.
StanCsv read_stan_csv(const std::string& path);

}  // namespace kiln::rt
