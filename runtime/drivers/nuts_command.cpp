// `kiln nuts`: samples the posterior of a model of a .ppl file with NUTS
// (Stan's multinomial NUTS with its warmup, inference/mcmc/), from the
// command line (runtime/drivers/README.md, "kiln nuts"). Each chain
// streams its draws to a CmdStan CSV as they are made, so a killed or
// interrupted run keeps every finished draw; at the end the summary table
// goes to standard output and to the summary CSV, then the warnings a Stan
// user expects (divergences, tree depth, R-hat, ESS) to standard error.
//
// The chains are run here with run_chains (chain_runner.h) rather than
// through the MCMC value (mcmc.h), which serves the .ppl API: its warnings
// name that API's keywords (target_accept_prob) and come before any
// summary. The work per chain is the same, in parallel by default.
#include <ATen/ATen.h>

#include <fstream>
#include <iostream>

#include "cli/exit_codes.h"
#include "inference/mcmc/chain.h"
#include "inference/mcmc/chain_runner.h"
#include "inference/mcmc/kernel.h"
#include "inference/mcmc/potential.h"
#include "runtime/atomic_file.h"
#include "runtime/drivers/commands.h"
#include "runtime/drivers/nuts_report.h"
#include "runtime/drivers/nuts_settings.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interrupt.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// Without --seed the run's seed is drawn from the global generator, in
// [0, 2^62) as MCMC(seed=None) draws it, and printed so the run can be
// repeated.
constexpr int64_t kSeedRange = int64_t{1} << 62;

uint64_t run_seed(const DriveRequest& request) {
  if (request.seed) return *request.seed;
  return torch_guard("kiln nuts", [] {
    return static_cast<uint64_t>(
        at::randint(0, kSeedRange, {}, global_generator(), at::TensorOptions().dtype(at::kLong)).item<int64_t>());
  });
}

// The draw rows of a CmdStan CSV written so far (lines that are neither
// comments nor the header), or -1 if there is no such file: a chain opens
// its file once it has an initial point, before warmup.
int64_t count_draw_rows(const std::string& path) {
  std::ifstream in(path);
  if (!in) return -1;
  int64_t lines = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') ++lines;
  return lines > 0 ? lines - 1 : 0;
}

std::string file_list(const NutsSettings& s) {
  if (s.chains == 1) return s.chain_csv_path(0);
  if (s.chains == 2) return s.chain_csv_path(0) + " and " + s.chain_csv_path(1);
  return s.chain_csv_path(0) + " ... " + s.chain_csv_path(s.chains - 1);
}

// After Ctrl-C: the draws written so far stay in their files, whose lines
// are all complete (each is flushed whole).
int report_interrupted(const NutsSettings& s) {
  std::cerr << "kiln nuts: interrupted; the draws made so far are kept:\n";
  for (int64_t c = 0; c < s.chains; ++c) {
    const std::string path = s.chain_csv_path(c);
    const int64_t rows = count_draw_rows(path);
    std::cerr << "  " << path << ": ";
    if (rows < 0) {
      std::cerr << "not written (the chain had not started sampling)\n";
    } else {
      std::cerr << rows << " of " << s.samples << " draws" << (rows == s.samples ? "" : " (incomplete)") << "\n";
    }
  }
  std::cerr << "no summary was written\n";
  return kExitInterrupted;
}

ChainSettings chain_settings(const NutsSettings& s, int64_t chain, uint64_t seed) {
  ChainSettings c;
  c.chain = chain;
  c.num_chains = s.chains;
  c.num_warmup = s.warmup;
  c.num_samples = s.samples;
  c.seed = seed;
  c.progress = true;
  c.csv_path = s.chain_csv_path(chain);
  c.model_name = s.model;
  c.data_file = s.data;
  return c;
}

void report(const Potential& potential, const std::vector<ChainResult>& chains, const NutsSettings& s) {
  const NutsReport summary = make_nuts_report(potential, chains, s);
  // The path was checked before sampling; failing now is still its fault.
  as_usage_error([&] { write_file_atomically(s.summary_csv, summary_csv(summary.rows)); });
  print_summary(summary, s, std::cout);
  std::cout.flush();
  for (const std::string& line : chain_lines(chains, s)) std::cerr << "kiln nuts: " << line << "\n";
  std::cerr << "kiln nuts: draws in " << file_list(s) << "; summary in " << s.summary_csv << "\n";
  for (const std::string& warning : nuts_warnings(summary, s)) std::cerr << "warning: " << warning << "\n";
  std::cerr.flush();
}

int sample(const DriveRequest& request, const LoadedProgram& program) {
  const NutsSettings s = NutsSettings::from_request(request);
  const Value& model = program.function(s.model);
  const ArgList args = model_arguments(model, request.args, s.data);
  verify_outputs_writable(s);

  KernelOptions options;
  options.full_mass = s.dense;
  options.target_accept_prob = s.target_accept;
  options.max_tree_depth = s.max_tree_depth;
  const Value kernel_value = make_value(new McmcKernel(KernelKind::kNuts, model, options));
  const McmcKernel& kernel = *as_mcmc_kernel(kernel_value);
  // The prototype run: a discrete latent site or a model without latent
  // sites is reported here, before any file is written.
  const Potential potential = torch_guard("kiln nuts", [&] { return Potential(model, args.view(), kernel.name()); });
  const uint64_t seed = run_seed(request);
  remove_earlier_outputs(s);
  std::cerr << "kiln nuts: " << s.model << ", " << s.chains << (s.chains == 1 ? " chain" : " chains") << " x ("
            << s.warmup << " warmup + " << s.samples << " draws), " << kernel.metric_name() << " metric, seed " << seed
            << "; draws to " << file_list(s) << "\n";

  std::vector<ChainSettings> settings;
  for (int64_t c = 0; c < s.chains; ++c) settings.push_back(chain_settings(s, c, seed));
  std::vector<ChainResult> chains;
  const size_t handler_depth = handler_stack_depth();
  try {
    chains = torch_guard("kiln nuts",
                         [&] { return run_chains(kernel_value, args.view(), std::move(settings), potential, s.parallel); });
  } catch (const Interrupted&) {
    // Ctrl-C between iterations or inside the model: each chain's CSV
    // holds every draw finished before it.
    unwind_handler_stack(handler_depth);
    return report_interrupted(s);
  }
  report(potential, chains, s);
  return kExitOk;
}

}  // namespace

int nuts_command(const DriveRequest& request) {
  LoadedProgram program;
  if (const int code = program.load(request); code != kExitOk) return code;
  return program.run_reporting([&] { return sample(request, program); });
}

}  // namespace kiln::rt
