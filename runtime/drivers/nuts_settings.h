// The options of `kiln nuts`, checked, and the files they name.
//
//   NutsSettings s = NutsSettings::from_request(request);  // UsageError for a bad option
//   s.chain_csv_path(0);      // "draws_1.csv" (or "draws.csv" with one chain)
//   s.summary_csv;            // "draws_summary.csv" unless --summary-csv
//   verify_outputs_writable(s);   // before the model runs: a bad path must not cost a run
//   remove_earlier_outputs(s);    // just before sampling
//
// Every bad option is a UsageError (exit code 2) naming the option, the
// accepted range and the value given. The ranges are those McmcKernel and
// Mcmc check, checked here first so that the message names the command
// line's flag (--target-accept) rather than the kernel's keyword.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/drivers/driver.h"

namespace kiln::rt {

struct NutsSettings {
  std::string model, data;
  int64_t samples = 1000;       // draws per chain after warmup (CmdStan's default)
  int64_t warmup = 1000;        // CmdStan's default
  int64_t chains = 4;           // enough for R-hat to compare chains (cmdstanpy's default)
  int64_t max_tree_depth = 10;  // Stan's and Pyro's default
  double target_accept = 0.8;   // Stan's adapt_delta, Pyro's target_accept_prob
  bool dense = false;           // a dense mass matrix (Pyro's full_mass, Stan's dense_e)
  bool parallel = true;         // chains on threads (--chain-method parallel) or one after another
  std::string output;           // default: "<file stem>_nuts.csv"
  std::string summary_csv;      // default: the output with "_summary" before its extension

  // From the options the CLI sent: the strings "model", "data", "output",
  // "summary_csv"; the ints "samples", "warmup", "chains",
  // "max_tree_depth"; the number "target_accept"; the bool "dense"; the
  // string "chain_method" ("parallel" or "sequential").
  static NutsSettings from_request(const DriveRequest& request);

  // The CmdStan CSV of chain `chain` (0-based), named as MCMC(output=...)
  // names it (inference/mcmc/mcmc.h): the output itself for one chain,
  // else "draws_1.csv", "draws_2.csv", ... (CmdStan's naming).
  std::string chain_csv_path(int64_t chain) const;
};

// `path` with `suffix` inserted before its extension: ("out/draws.csv",
// "_2") -> "out/draws_2.csv"; ("out/draws", "_2") -> "out/draws_2".
std::string insert_before_extension(const std::string& path, const std::string& suffix);

// Creates the output files' directories and checks that every chain's CSV
// and the summary can be written (leaving existing files as they are), so
// a bad path is a UsageError before any sampling rather than a runtime
// error after the first chain.
void verify_outputs_writable(const NutsSettings& settings);

// Removes the chain CSVs and the summary an earlier run left at these
// paths, just before sampling starts: after an interrupted run they would
// sit beside the new draws and describe others.
void remove_earlier_outputs(const NutsSettings& settings);

}  // namespace kiln::rt
