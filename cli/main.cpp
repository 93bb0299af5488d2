// `kiln`: the command-line driver. Exceptions become exit codes here (see
// cli/exit_codes.h); commands that run programs go through the runtime
// library loaded on demand (cli/runtime_loader.h).
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/repl.h"
#include "cli/runtime_loader.h"
#include "frontend/large_stack.h"
#include "frontend/program.h"
#include "ir/lower.h"
#include "ir/passes.h"
#include "ir/print.h"
#include "runtime/entry.h"

namespace kiln {

namespace {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) != 0; }

// Reads the program: a path, or "-" for standard input.
bool read_program(const std::string& path, std::string& display_path, std::string& text) {
  if (path == "-") {
    display_path = "<stdin>";
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  display_path = path;
  std::string error;
  if (!read_file(path, text, error)) {
    std::cerr << "kiln: error: " << error << "\n";
    return false;
  }
  return true;
}

// Front end (and lowering for `ir`) without loading the runtime.
int check_or_print_ir(const std::string& path, bool print_ir) {
  std::string display, text;
  if (!read_program(path, display, text)) return kExitUsage;
  int code = kExitOk;
  run_with_large_stack([&] {
    Program program;
    Diagnostics diags;
    int main_module = add_source(program, display, &text, diags);
    print_diagnostics(std::cerr, program.sources, diags, stderr_is_terminal());
    if (main_module < 0) {
      code = kExitCompileError;
      return;
    }
    if (!print_ir) return;
    ir::Program lowered;
    ir::lower_program(program, lowered);
    ir::run_passes(lowered);
    ir::print_program(std::cout, lowered);
  });
  return code;
}

KilnInterruptFn g_interrupt = nullptr;

// Ctrl-C during `kiln run`: ask the interpreter to stop at its next loop
// back-edge or call, so the program's error report and exit code 130 follow.
void on_sigint(int) {
  if (g_interrupt) g_interrupt();
}

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Routes Ctrl-C to the loaded runtime (on_sigint) from now on.
void forward_interrupts_to_runtime() {
  std::string error;
  g_interrupt = reinterpret_cast<KilnInterruptFn>(load_runtime_symbol("kiln_request_interrupt", error));
  if (!g_interrupt) return;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
}

int run(const std::string& path, const std::vector<std::string>& args, const uint64_t* seed, bool validate,
        bool timings) {
  std::string display, text;
  if (!read_program(path, display, text)) return kExitUsage;
  std::string error;
  double load_start = process_cpu_ms();
  auto run_fn = reinterpret_cast<KilnRunFn>(load_runtime_symbol("kiln_runtime_run", error));
  double load_ms = process_cpu_ms() - load_start;
  forward_interrupts_to_runtime();
  if (!run_fn) {
    std::cerr << "kiln: error: " << error << "\n";
    return kExitInternalError;
  }
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  KilnRunRequest request{};
  request.path = display.c_str();
  request.source = text.c_str();
  request.argc = static_cast<int>(argv.size());
  request.argv = argv.data();
  request.has_seed = seed != nullptr;
  request.seed = seed ? *seed : 0;
  request.color = stderr_is_terminal();
  request.validate = validate;
  request.timings = timings;
  request.runtime_load_ms = load_ms;
  return run_fn(&request);
}

// What a command that drives a model of a file (`render`, `svi`, `nuts`)
// hands the runtime: its options as a JSON object (runtime/drivers/).
struct DriveArgs {
  std::string command;
  std::string path;
  nlohmann::json options = nlohmann::json::object();
  std::vector<std::string> model_args;
  const uint64_t* seed = nullptr;
  bool validate = true;
};

int drive(const DriveArgs& args) {
  if (args.path == "-") {
    std::cerr << "kiln: error: kiln " << args.command << " needs a .ppl file, not standard input\n";
    return kExitUsage;
  }
  std::string display, text;  // read here too, so a missing file is reported without loading LibTorch
  if (!read_program(args.path, display, text)) return kExitUsage;
  std::string options;
  try {
    options = args.options.dump();
  } catch (const nlohmann::json::type_error&) {
    std::cerr << "kiln: error: the options of kiln " << args.command << " must be valid UTF-8\n";
    return kExitUsage;
  }
  std::string error;
  auto drive_fn = reinterpret_cast<KilnDriveFn>(load_runtime_symbol("kiln_runtime_drive", error));
  forward_interrupts_to_runtime();
  if (!drive_fn) {
    std::cerr << "kiln: error: " << error << "\n";
    return kExitInternalError;
  }
  std::vector<const char*> argv;
  for (const std::string& a : args.model_args) argv.push_back(a.c_str());
  KilnDriveRequest request{};
  request.command = args.command.c_str();
  request.path = args.path.c_str();
  request.options_json = options.c_str();
  request.argc = static_cast<int>(argv.size());
  request.argv = argv.data();
  request.has_seed = args.seed != nullptr;
  request.seed = args.seed ? *args.seed : 0;
  request.color = stderr_is_terminal();
  request.validate = args.validate;
  return drive_fn(&request);
}

// `kiln svi`'s own options (runtime/drivers/svi_settings.h checks them).
struct SviCommandLine {
  std::string model, guide, data, optim = "adam", elbo = "trace", output_dir;
  int64_t steps = 0, num_particles = 1, checkpoint_every = 0, progress_every = 0;
  double lr = 0;
  bool resume = false;
  CLI::Option *output_dir_opt = nullptr, *checkpoint_opt = nullptr, *progress_opt = nullptr;
};

CLI::App* add_svi_subcommand(CLI::App& app, SviCommandLine& o) {
  CLI::App* cmd = app.add_subcommand(
      "svi", "fit a guide to a model by stochastic variational inference, with checkpoints and a posterior summary");
  cmd->add_option("--model", o.model, "the model function")->required();
  cmd->add_option("--guide", o.guide,
                  "a guide function of the file, or auto-normal, auto-mvn, auto-delta, auto-diagonal, "
                  "auto-lowrank, auto-laplace")
      ->required();
  cmd->add_option("--data", o.data, "a .json or .csv file giving the model's arguments by name");
  cmd->add_option("--steps", o.steps, "the number of SVI steps")->required();
  cmd->add_option("--optim", o.optim, "adam (default), clipped-adam, sgd, rmsprop or adagrad");
  cmd->add_option("--lr", o.lr, "the learning rate")->required();
  cmd->add_option("--num-particles", o.num_particles, "particles per ELBO estimate (default 1)");
  cmd->add_option("--elbo", o.elbo, "trace (default), meanfield or tracegraph");
  o.output_dir_opt = cmd->add_option("--output-dir", o.output_dir,
                                     "where loss.csv, loss.png, params.kparams, summary.csv and checkpoints go "
                                     "(default: <file stem>_svi)");
  o.checkpoint_opt =
      cmd->add_option("--checkpoint-every", o.checkpoint_every, "write a checkpoint every N steps (and at the end)");
  cmd->add_flag("--resume", o.resume, "continue from the checkpoint in the output directory");
  o.progress_opt = cmd->add_option("--progress-every", o.progress_every,
                                   "print progress every N steps when standard error is not a terminal "
                                   "(default: steps / 20)");
  return cmd;
}

nlohmann::json svi_options(const SviCommandLine& o) {
  nlohmann::json options = nlohmann::json::object();
  options["model"] = o.model;
  options["guide"] = o.guide;
  if (!o.data.empty()) options["data"] = o.data;
  options["steps"] = o.steps;
  options["optim"] = o.optim;
  options["lr"] = o.lr;
  options["num_particles"] = o.num_particles;
  options["elbo"] = o.elbo;
  if (o.output_dir_opt->count()) options["output_dir"] = o.output_dir;
  if (o.checkpoint_opt->count()) options["checkpoint_every"] = o.checkpoint_every;
  if (o.progress_opt->count()) options["progress_every"] = o.progress_every;
  options["resume"] = o.resume;
  return options;
}

// `kiln nuts`'s own options (runtime/drivers/nuts_settings.h checks them).
struct NutsCommandLine {
  std::string model, data, output, summary_csv;
  int64_t samples = 1000, warmup = 1000, chains = 4, max_tree_depth = 10;
  double target_accept = 0.8;
  bool dense = false;
  std::string chain_method = "parallel";
  CLI::Option *output_opt = nullptr, *summary_opt = nullptr;
};

CLI::App* add_nuts_subcommand(CLI::App& app, NutsCommandLine& o) {
  CLI::App* cmd = app.add_subcommand(
      "nuts", "sample a model's posterior with NUTS: CmdStan CSV draws, a summary table, convergence warnings");
  cmd->add_option("--model", o.model, "the model function")->required();
  cmd->add_option("--data", o.data, "a .json or .csv file giving the model's arguments by name");
  cmd->add_option("--samples", o.samples, "draws per chain after warmup (default 1000)");
  cmd->add_option("--warmup", o.warmup, "warmup (adaptation) iterations per chain (default 1000)");
  cmd->add_option("--chains", o.chains, "the number of chains (default 4)");
  cmd->add_option("--chain-method", o.chain_method,
                  "parallel: the chains on one thread per core (default); sequential: one after another");
  o.output_opt = cmd->add_option("--output", o.output,
                                 "the draws as CmdStan CSV: this file for one chain, else draws_1.csv, "
                                 "draws_2.csv... for --output draws.csv (default: <file stem>_nuts.csv)");
  o.summary_opt = cmd->add_option("--summary-csv", o.summary_csv,
                                  "the summary table as CSV (default: the output with _summary before .csv)");
  cmd->add_flag("--dense", o.dense, "adapt a dense mass matrix (Stan's dense_e) instead of a diagonal one");
  cmd->add_option("--max-tree-depth", o.max_tree_depth, "the deepest NUTS tree, 2^D leapfrog steps (default 10)");
  cmd->add_option("--target-accept", o.target_accept,
                  "the mean acceptance statistic warmup aims for, in (0, 1) (default 0.8)");
  return cmd;
}

nlohmann::json nuts_options(const NutsCommandLine& o) {
  nlohmann::json options = nlohmann::json::object();
  options["model"] = o.model;
  if (!o.data.empty()) options["data"] = o.data;
  options["samples"] = o.samples;
  options["warmup"] = o.warmup;
  options["chains"] = o.chains;
  if (o.output_opt->count()) options["output"] = o.output;
  if (o.summary_opt->count()) options["summary_csv"] = o.summary_csv;
  options["dense"] = o.dense;
  options["chain_method"] = o.chain_method;
  options["max_tree_depth"] = o.max_tree_depth;
  options["target_accept"] = o.target_accept;
  return options;
}

int main_impl(int argc, char** argv) {
  CLI::App app{"Kiln: a probabilistic programming language (models, handlers, SVI, NUTS)", "kiln"};
  app.set_version_flag("--version", std::string("kiln ") + KILN_VERSION);
  app.require_subcommand(0, 1);

  std::string file;
  std::vector<std::string> program_args;
  uint64_t seed = 0;
  bool no_validate = false;
  bool timings = false;

  CLI::App* run_cmd = app.add_subcommand("run", "run a program");
  run_cmd->add_option("file", file, "the .ppl program, or - for standard input")->required();
  auto* seed_opt = run_cmd->add_option("--seed", seed, "seed every random number generator");
  run_cmd->add_flag("--no-validate", no_validate, "skip distribution argument checks (faster)");
  run_cmd->add_flag("--timings", timings, "print the CPU time of each phase to stderr");
  run_cmd->add_option("args", program_args, "arguments for the program (after --), seen as argv");

  CLI::App* check_cmd = app.add_subcommand("check", "check a program for errors without running it");
  check_cmd->add_option("file", file, "the .ppl program, or - for standard input")->required();

  CLI::App* ir_cmd = app.add_subcommand("ir", "print the program's intermediate representation");
  ir_cmd->add_option("file", file, "the .ppl program, or - for standard input")->required();

  std::string model_name, data_path, output;
  bool render_distributions = false, render_params = false;
  CLI::App* render_cmd =
      app.add_subcommand("render", "draw a model as a graphical model with Graphviz, as pyro.render_model");
  render_cmd->add_option("file", file, "the .ppl file (its `if __name__ == \"__main__\":` block does not run)")
      ->required();
  render_cmd->add_option("--model", model_name, "the model function to draw")->required();
  render_cmd->add_option("--data", data_path, "a .json or .csv file giving the model's arguments by name");
  render_cmd->add_flag("--distributions", render_distributions,
                       "name each site's distribution (and each param's constraint)");
  render_cmd->add_flag("--params", render_params, "draw param sites too");
  render_cmd->add_option("-o,--output", output, "the drawing: a .svg, .png or .dot file")->required();
  auto* render_seed = render_cmd->add_option("--seed", seed, "seed every random number generator");
  render_cmd->add_flag("--no-validate", no_validate, "skip distribution argument checks");
  render_cmd->add_option("args", program_args, "the model's first arguments (after --): numbers or strings");

  SviCommandLine svi_line;
  CLI::App* svi_cmd = add_svi_subcommand(app, svi_line);
  svi_cmd->add_option("file", file, "the .ppl file (its `if __name__ == \"__main__\":` block does not run)")
      ->required();
  auto* svi_seed = svi_cmd->add_option("--seed", seed, "seed every random number generator");
  svi_cmd->add_flag("--no-validate", no_validate, "skip distribution argument checks");
  svi_cmd->add_option("args", program_args, "the model's first arguments (after --): numbers or strings");

  NutsCommandLine nuts_line;
  CLI::App* nuts_cmd = add_nuts_subcommand(app, nuts_line);
  nuts_cmd->add_option("file", file, "the .ppl file (its `if __name__ == \"__main__\":` block does not run)")
      ->required();
  auto* nuts_seed =
      nuts_cmd->add_option("--seed", seed, "seed every random number generator (default: a random seed, printed)");
  nuts_cmd->add_flag("--no-validate", no_validate, "skip distribution argument checks");
  nuts_cmd->add_option("args", program_args, "the model's first arguments (after --): numbers or strings");

  CLI::App* repl_cmd = app.add_subcommand("repl", "the interactive prompt (also `kiln` alone on a terminal)");
  auto* repl_seed = repl_cmd->add_option("--seed", seed, "seed every random number generator");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (run_cmd->parsed()) return run(file, program_args, seed_opt->count() ? &seed : nullptr, !no_validate, timings);
  if (check_cmd->parsed()) return check_or_print_ir(file, false);
  if (ir_cmd->parsed()) return check_or_print_ir(file, true);
  if (render_cmd->parsed()) {
    DriveArgs args;
    args.command = "render";
    args.path = file;
    args.options["model"] = model_name;
    args.options["output"] = output;
    if (!data_path.empty()) args.options["data"] = data_path;
    args.options["distributions"] = render_distributions;
    args.options["params"] = render_params;
    args.model_args = program_args;
    args.seed = render_seed->count() ? &seed : nullptr;
    args.validate = !no_validate;
    return drive(args);
  }
  if (svi_cmd->parsed()) {
    DriveArgs args;
    args.command = "svi";
    args.path = file;
    args.options = svi_options(svi_line);
    args.model_args = program_args;
    args.seed = svi_seed->count() ? &seed : nullptr;
    args.validate = !no_validate;
    return drive(args);
  }
  if (nuts_cmd->parsed()) {
    DriveArgs args;
    args.command = "nuts";
    args.path = file;
    args.options = nuts_options(nuts_line);
    args.model_args = program_args;
    args.seed = nuts_seed->count() ? &seed : nullptr;
    args.validate = !no_validate;
    return drive(args);
  }
  bool bare_on_terminal = argc == 1 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  if (repl_cmd->parsed() || bare_on_terminal) {
    ReplOptions options;
    options.version = KILN_VERSION;
    options.color = stderr_is_terminal();
    options.has_seed = repl_seed->count() > 0;
    options.seed = seed;
    return run_repl(options);
  }
  std::cout << app.help();
  return kExitOk;
}

}  // namespace

}  // namespace kiln

int main(int argc, char** argv) {
  try {
    return kiln::main_impl(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kiln: internal error: " << e.what()
              << "\nThis is a bug in Kiln; please report it with the program that caused it.\n";
    return kiln::kExitInternalError;
  }
}
