// The options of `kiln svi`, checked, and the objects they name: the guide
// (a function of the file or an autoguide), the optimizer and the ELBO.
//
//   SviSettings s = SviSettings::from_request(request);   // UsageError for a bad option
//   Value guide = make_guide(s.guide, model, program);
//   Value optim = make_optimizer(s);
//   Value elbo = make_elbo(s);
//
// Every bad option is a UsageError (exit code 2) naming the option and the
// accepted values, with a "did you mean" hint for a misspelt name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/drivers/driver.h"
#include "runtime/value.h"

namespace kiln::rt {

struct SviSettings {
  std::string model, guide, data;
  std::string optim = "adam";
  std::string elbo = "trace";
  std::string output_dir;        // default: "<file stem>_svi"
  int64_t steps = 0;
  double lr = 0;
  int64_t num_particles = 1;
  int64_t checkpoint_every = 0;  // 0: only on Ctrl-C
  int64_t progress_every = 1;    // default: steps / 20
  bool resume = false;

  // From the options the CLI sent: "model", "guide", "data", "steps",
  // "optim", "lr", "num_particles", "elbo", "output_dir",
  // "checkpoint_every", "progress_every" and "resume".
  static SviSettings from_request(const DriveRequest& request);
};

// The accepted names, in the order --help lists them.
const std::vector<std::string>& svi_autoguide_names();   // auto-normal, auto-mvn, ...
const std::vector<std::string>& svi_optimizer_names();   // adam, clipped-adam, ...
const std::vector<std::string>& svi_elbo_names();        // trace, meanfield, tracegraph

// `guide` is an autoguide name (a new autoguide of `model`) or a function
// of the program (UsageError if there is none).
Value make_guide(const std::string& guide, const Value& model, const LoadedProgram& program);
// The optimizer `settings.optim` with learning rate `settings.lr`.
Value make_optimizer(const SviSettings& settings);
// The ELBO `settings.elbo` with settings.num_particles particles.
Value make_elbo(const SviSettings& settings);

// The command line that resumes this run from its checkpoint, for the
// message printed after Ctrl-C.
std::string resume_command_line(const DriveRequest& request, const SviSettings& settings);

}  // namespace kiln::rt
