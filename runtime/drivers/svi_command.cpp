// `kiln svi`: fits a guide to a model of a .ppl file by stochastic
// variational inference, from the command line (runtime/drivers/README.md,
// "kiln svi"). The loop is SVI.step's (inference/svi.h), with what a long
// unattended run needs around it: progress on standard error, loss.csv as
// it goes, checkpoints, resuming, Ctrl-C that stops cleanly, and the fit's
// results at the end (svi_outputs.h).
//
// Resuming is exact: a checkpoint holds the params, the optimizer's state,
// the step and the random number generator's state, so 100 steps, Ctrl-C
// (or a kill after a checkpoint) and --resume reach bit for bit the params
// of an uninterrupted run with the same seed. What it cannot hold: state
// kept by the program itself between steps (globals a model mutates) and
// TraceGraph_ELBO's decaying-average baselines, which restart from zero.
#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include "cli/exit_codes.h"
#include "inference/autoguide/autoguide.h"
#include "inference/elbo.h"
#include "inference/optim/optimizer.h"
#include "inference/svi.h"
#include "runtime/drivers/commands.h"
#include "runtime/drivers/loss_log.h"
#include "runtime/drivers/progress.h"
#include "runtime/drivers/svi_checkpoint.h"
#include "runtime/drivers/svi_outputs.h"
#include "runtime/drivers/svi_settings.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/interrupt.h"
#include "runtime/param_store_file.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// The loss a progress line and the plot's second curve average over: long
// enough to smooth single-particle noise, short enough to follow the trend.
constexpr size_t kLossWindow = 100;
// Posterior summaries: the Monte Carlo error of a mean is sd / sqrt(1000),
// about 3% of a standard deviation.
constexpr int64_t kSummaryDraws = 1000;

at::Tensor rng_state() {
  at::Generator generator = global_generator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void restore_rng_state(const at::Tensor& state) {
  torch_guard("the checkpoint's random number generator state", [&] {
    at::Generator generator = global_generator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
  });
}

// One step as SVI.step takes it, numbered by the run's own count so that a
// resumed run names the step it is really at when the loss is not finite.
double svi_step(Elbo& elbo, Optimizer& optimizer, const Value& model, const Value& guide, const CallArgs& args,
                int64_t step) {
  return torch_guard("kiln svi", [&] {
    const ElboEstimate estimate = elbo.estimate(model, guide, args);
    const double loss = estimate.loss.item<double>();
    if (!std::isfinite(loss)) raise_non_finite_loss("kiln svi", step, loss, estimate.last);
    const NamedParams params = touched_params(estimate.last);
    std::vector<at::Tensor> leaves;
    for (const auto& p : params) leaves.push_back(p.second);
    if (!leaves.empty() && estimate.surrogate_loss.requires_grad()) {
      const std::vector<at::Tensor> grads =
          torch::autograd::grad({estimate.surrogate_loss}, leaves, {}, /*retain_graph=*/false,
                                /*create_graph=*/false, /*allow_unused=*/true);
      for (size_t i = 0; i < leaves.size(); ++i) leaves[i].mutable_grad() = grads[i];
      optimizer.step(params);
    }
    return loss;
  });
}

SviRunIdentity identity_of(const DriveRequest& request, const SviSettings& s) {
  return SviRunIdentity{request.path, s.model, s.guide, s.elbo, s.optim, s.num_particles};
}

// A checkpoint from another guide or optimizer has state this run cannot use.
void check_resumable(const SviCheckpoint& checkpoint, const SviRunIdentity& now, const SviSettings& s) {
  const auto same = [&](const char* option, const std::string& then, const std::string& is) {
    if (then != is)
      throw UsageError("the checkpoint in " + s.output_dir + " was made with " + option + " " + then + ", not " + is,
                       "resume with the options of the run that made it, or start afresh without --resume "
                       "(or with another --output-dir)");
  };
  same("--model", checkpoint.run.model, now.model);
  same("--guide", checkpoint.run.guide, now.guide);
  same("--elbo", checkpoint.run.elbo, now.elbo);
  same("--optim", checkpoint.run.optim, now.optim);
  same("--num-particles", std::to_string(checkpoint.run.num_particles), std::to_string(now.num_particles));
  if (checkpoint.step > s.steps)
    throw UsageError("the checkpoint in " + s.output_dir + " is at step " + std::to_string(checkpoint.step) +
                         ", past --steps " + std::to_string(s.steps),
                     "give --steps " + std::to_string(checkpoint.step) + " or more to continue it");
}

// Ends the progress line when the loop is left, by an error too, so that
// the error report starts on a line of its own.
class ProgressLineCloser {
 public:
  explicit ProgressLineCloser(ProgressReport& progress) : progress_(progress) {}
  ~ProgressLineCloser() { progress_.finish(); }
  ProgressLineCloser(const ProgressLineCloser&) = delete;
  ProgressLineCloser& operator=(const ProgressLineCloser&) = delete;

 private:
  ProgressReport& progress_;
};

// Everything the loop changes or reads, made once.
struct SviRun {
  const DriveRequest& request;
  const SviSettings& settings;
  Value model, guide, optim, elbo;
  ArgList args;
  int64_t start = 0;  // the last step completed before this process (a resumed checkpoint's)
  int64_t done = 0;   // the last step completed

  Optimizer& optimizer() const { return *as_optimizer(optim); }
  Elbo& objective() const { return *as_elbo(elbo); }

  void checkpoint() const {
    SviCheckpoint c;
    c.step = done;
    c.rng_state = rng_state();
    c.optimizer_state = optimizer().get_state();
    c.run = identity_of(request, settings);
    write_svi_checkpoint(settings.output_dir, c);
  }
};

// Puts the run in the state the uninterrupted run had after the
// checkpoint's step. The guide's prototype is built first: building it runs
// the model, draws numbers and makes params, which the checkpoint then
// overwrites, as the generator's state must be restored last.
void resume(SviRun& run) {
  const SviSettings& s = run.settings;
  // A missing or damaged checkpoint is bad input, like a bad data file.
  const SviCheckpoint checkpoint = as_usage_error([&] { return read_svi_checkpoint(s.output_dir); });
  check_resumable(checkpoint, identity_of(run.request, s), s);
  if (AutoGuide* autoguide = as_autoguide(run.guide))
    torch_guard(autoguide->name(), [&] { autoguide->prototype(run.args.view()); });
  load_params(checkpoint.params_path);
  run.optimizer().set_state(checkpoint.optimizer_state);
  restore_rng_state(checkpoint.rng_state);
  run.start = run.done = checkpoint.step;
  std::cerr << "kiln svi: resuming from the checkpoint at step " << checkpoint.step << " in " << s.output_dir
            << "\n";
}

// Runs steps start+1 .. settings.steps; returns false if Ctrl-C stopped it.
bool run_steps(SviRun& run, LossLog& log) {
  const SviSettings& s = run.settings;
  ProgressReport progress(std::cerr, isatty(STDERR_FILENO) != 0, s.steps, s.progress_every, run.start + 1,
                          kLossWindow);
  const ProgressLineCloser closer(progress);
  const size_t handler_depth = handler_stack_depth();
  const CallArgs args = run.args.view();
  for (int64_t step = run.start + 1; step <= s.steps; ++step) {
    const at::Tensor rng_before = rng_state();
    double loss = 0;
    try {
      loss = svi_step(run.objective(), run.optimizer(), run.model, run.guide, args, step);
    } catch (const Interrupted&) {
      // Ctrl-C inside the model or guide: the unfinished step changed no
      // param and no optimizer state, only the generator, which is put back
      // so the checkpoint is exactly the state after the last whole step.
      unwind_handler_stack(handler_depth);
      restore_rng_state(rng_before);
      return false;
    }
    run.done = step;
    log.add(step, loss);
    progress.update(step, log.average_of_last(kLossWindow));
    if (g_interrupt_requested.load(std::memory_order_relaxed)) {
      clear_interrupt();
      return false;
    }
    if (s.checkpoint_every > 0 && step % s.checkpoint_every == 0) {
      log.flush();
      run.checkpoint();
    }
  }
  return true;
}

int stop_interrupted(const SviRun& run, LossLog& log) {
  log.flush();
  const SviSettings& s = run.settings;
  std::cerr << "kiln svi: interrupted after step " << run.done << " of " << s.steps << "\n";
  if (run.done == 0) {
    std::cerr << "nothing to checkpoint: the first step did not finish\n";
    return kExitInterrupted;
  }
  // After a resume that was stopped before its first step, the checkpoint
  // on disk is already this state.
  if (run.done > run.start) run.checkpoint();
  std::cerr << "checkpoint: " << checkpoint_params_path(s.output_dir) << " and "
            << checkpoint_state_path(s.output_dir) << " (step " << run.done << ")\n"
            << "resume with: " << resume_command_line(run.request, s) << "\n";
  return kExitInterrupted;
}

int fit(const DriveRequest& request, const LoadedProgram& program) {
  const SviSettings s = SviSettings::from_request(request);
  const Value& model = program.function(s.model);
  SviRun run{request, s, model, make_guide(s.guide, model, program), make_optimizer(s), make_elbo(s),
             model_arguments(model, request.args, s.data)};
  std::error_code ec;
  std::filesystem::create_directories(s.output_dir, ec);
  if (ec) throw UsageError("cannot create the output directory " + s.output_dir + ": " + ec.message());

  if (s.resume) resume(run);
  // An output directory that cannot be written to is the command line's fault.
  const std::string loss_path = (std::filesystem::path(s.output_dir) / "loss.csv").string();
  const std::optional<int64_t> kept_rows = s.resume ? std::optional<int64_t>(run.start) : std::nullopt;
  std::unique_ptr<LossLog> log_file = as_usage_error([&] { return std::make_unique<LossLog>(loss_path, kept_rows); });
  LossLog& log = *log_file;
  std::cerr << "kiln svi: " << s.model << " with " << s.guide << ", " << s.optim << " lr " << s.lr << ", steps "
            << run.start + 1 << "-" << s.steps << "; output in " << s.output_dir << "\n";
  if (!run_steps(run, log)) return stop_interrupted(run, log);
  log.flush();
  // A last checkpoint lets a later --resume with more --steps go on.
  if (s.checkpoint_every > 0 && run.done > run.start && run.done % s.checkpoint_every != 0) run.checkpoint();

  SviOutputs outputs;
  outputs.dir = s.output_dir;
  outputs.title = s.model + " with " + s.guide;
  outputs.average_window = kLossWindow;
  outputs.summary_draws = kSummaryDraws;
  write_loss_plot(log, outputs);
  write_fit_results(run.guide, run.args.view(), outputs);
  std::cerr << "kiln svi: final loss " << log.average_of_last(kLossWindow) << " (avg of last " << kLossWindow
            << "); results in " << s.output_dir << "\n";
  return kExitOk;
}

}  // namespace

int svi_command(const DriveRequest& request) {
  LoadedProgram program;
  if (const int code = program.load(request); code != kExitOk) return code;
  return program.run_reporting([&] { return fit(request, program); });
}

}  // namespace kiln::rt
