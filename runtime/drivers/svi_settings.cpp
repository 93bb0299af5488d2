#include "runtime/drivers/svi_settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "frontend/diagnostics.h"
#include "inference/autoguide/auto_continuous.h"
#include "inference/autoguide/auto_delta.h"
#include "inference/autoguide/auto_normal.h"
#include "inference/autoguide/init_strategies.h"
#include "inference/optim/adagrad.h"
#include "inference/optim/adam.h"
#include "inference/optim/clipped_adam.h"
#include "inference/optim/rmsprop.h"
#include "inference/optim/sgd.h"
#include "inference/trace_elbo.h"
#include "inference/tracegraph_elbo.h"
#include "runtime/objects.h"

namespace kiln::rt {

namespace {

// Twenty progress lines fit on a screen without scrolling the start of the
// run away.
constexpr int64_t kDefaultProgressReports = 20;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// `value` must be one of `names`, else a UsageError for `option`.
void check_choice(const std::string& option, const std::string& what, const std::string& value,
                  const std::vector<std::string>& names) {
  if (std::find(names.begin(), names.end(), value) != names.end()) return;
  const std::string closest = closest_name(value, names);
  throw UsageError("unknown " + what + " '" + value + "' for " + option + "; the " + what + "s are " + join(names),
                   closest.empty() ? "" : "did you mean '" + closest + "'?");
}

int64_t at_least_one(const DriveRequest& request, const char* option, const std::string& flag, int64_t fallback) {
  const int64_t value = request.options.integer(option, fallback);
  if (value < 1) throw UsageError(flag + " must be at least 1, got " + std::to_string(value));
  return value;
}

std::string format_number(double x) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(x);
}

// `text` as one word for a POSIX shell.
std::string shell_word(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("-_./=:,+@%").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Value autoguide_init(InitKind kind, const char* who) { return check_init_loc_fn(nullptr, kind, who); }

}  // namespace

const std::vector<std::string>& svi_autoguide_names() {
  static const std::vector<std::string> names = {"auto-normal",   "auto-mvn",     "auto-delta", "auto-diagonal",
                                                 "auto-lowrank", "auto-laplace"};
  return names;
}

const std::vector<std::string>& svi_optimizer_names() {
  static const std::vector<std::string> names = {"adam", "clipped-adam", "sgd", "rmsprop", "adagrad"};
  return names;
}

const std::vector<std::string>& svi_elbo_names() {
  static const std::vector<std::string> names = {"trace", "meanfield", "tracegraph"};
  return names;
}

SviSettings SviSettings::from_request(const DriveRequest& request) {
  const CommandOptions& o = request.options;
  SviSettings s;
  s.model = o.string("model");
  s.guide = o.string("guide");
  s.data = o.string("data");
  if (s.model.empty()) throw UsageError("kiln svi needs a model", "add --model NAME, a function of the file");
  if (s.guide.empty())
    throw UsageError("kiln svi needs a guide",
                     "add --guide NAME (a function of the file) or an autoguide: " + join(svi_autoguide_names()));
  if (s.guide.rfind("auto-", 0) == 0) check_choice("--guide", "autoguide", s.guide, svi_autoguide_names());

  if (!o.has("steps")) throw UsageError("kiln svi needs a number of steps", "add --steps N");
  s.steps = at_least_one(request, "steps", "--steps", 0);
  if (!o.has("lr")) throw UsageError("kiln svi needs a learning rate", "add --lr X, e.g. --lr 0.01");
  s.lr = o.number("lr", 0);
  if (!(s.lr > 0) || !std::isfinite(s.lr))
    throw UsageError("--lr must be a positive number, got " + format_number(s.lr));

  s.optim = o.string("optim", s.optim);
  check_choice("--optim", "optimizer", s.optim, svi_optimizer_names());
  s.elbo = o.string("elbo", s.elbo);
  check_choice("--elbo", "ELBO", s.elbo, svi_elbo_names());
  s.num_particles = at_least_one(request, "num_particles", "--num-particles", 1);
  if (o.has("checkpoint_every")) s.checkpoint_every = at_least_one(request, "checkpoint_every", "--checkpoint-every", 0);
  s.progress_every =
      at_least_one(request, "progress_every", "--progress-every", std::max<int64_t>(1, s.steps / kDefaultProgressReports));
  s.resume = o.flag("resume");
  s.output_dir = o.string("output_dir", std::filesystem::path(request.path).stem().string() + "_svi");
  if (s.output_dir.empty()) throw UsageError("--output-dir must not be empty");
  return s;
}

Value make_guide(const std::string& guide, const Value& model, const LoadedProgram& program) {
  if (guide == "auto-normal")
    return make_value(new AutoNormal(model, autoguide_init(InitKind::kFeasible, "AutoNormal"),
                                     AutoNormal::kDefaultInitScale));
  if (guide == "auto-delta") return make_value(new AutoDelta(model, autoguide_init(InitKind::kMedian, "AutoDelta")));
  if (guide == "auto-diagonal")
    return make_value(new AutoDiagonalNormal(model, autoguide_init(InitKind::kMedian, "AutoDiagonalNormal"),
                                             AutoContinuous::kDefaultInitScale));
  if (guide == "auto-mvn")
    return make_value(new AutoMultivariateNormal(model, autoguide_init(InitKind::kMedian, "AutoMultivariateNormal"),
                                                 AutoContinuous::kDefaultInitScale));
  if (guide == "auto-lowrank")
    return make_value(new AutoLowRankMultivariateNormal(
        model, autoguide_init(InitKind::kMedian, "AutoLowRankMultivariateNormal"), AutoContinuous::kDefaultInitScale,
        /*rank=*/0));
  if (guide == "auto-laplace")
    return make_value(
        new AutoLaplaceApproximation(model, autoguide_init(InitKind::kMedian, "AutoLaplaceApproximation")));
  return program.function(guide);
}

Value make_optimizer(const SviSettings& settings) {
  Value options = make_dict();
  options.as<DictObject>()->set(make_str("lr"), Value(settings.lr));
  const std::string& o = settings.optim;
  if (o == "adam") return PerParamOptimizer::create<Adam>(options);
  if (o == "clipped-adam") return PerParamOptimizer::create<ClippedAdam>(options);
  if (o == "sgd") return PerParamOptimizer::create<SGD>(options);
  if (o == "rmsprop") return PerParamOptimizer::create<RMSprop>(options);
  if (o == "adagrad") return PerParamOptimizer::create<Adagrad>(options);
  throw InternalError("kiln svi: optimizer '" + o + "' passed the option check but has no constructor");
}

Value make_elbo(const SviSettings& settings) {
  ElboOptions options;
  options.num_particles = settings.num_particles;
  if (settings.elbo == "trace") return make_value(new TraceElbo(options));
  if (settings.elbo == "meanfield") return make_value(new TraceMeanFieldElbo(options));
  if (settings.elbo == "tracegraph") return make_value(new TraceGraphElbo(options));
  throw InternalError("kiln svi: ELBO '" + settings.elbo + "' passed the option check but has no constructor");
}

std::string resume_command_line(const DriveRequest& request, const SviSettings& s) {
  std::string line = "kiln svi " + shell_word(request.path) + " --model " + shell_word(s.model) + " --guide " +
                     shell_word(s.guide);
  if (!s.data.empty()) line += " --data " + shell_word(s.data);
  line += " --steps " + std::to_string(s.steps) + " --optim " + s.optim + " --lr " + format_number(s.lr);
  if (s.elbo != "trace") line += " --elbo " + s.elbo;
  if (s.num_particles != 1) line += " --num-particles " + std::to_string(s.num_particles);
  line += " --output-dir " + shell_word(s.output_dir);
  if (s.checkpoint_every > 0) line += " --checkpoint-every " + std::to_string(s.checkpoint_every);
  if (request.options.has("progress_every")) line += " --progress-every " + std::to_string(s.progress_every);
  if (!request.validate) line += " --no-validate";
  line += " --resume";
  if (!request.args.empty()) {
    line += " --";
    for (const std::string& arg : request.args) line += " " + shell_word(arg);
  }
  return line;
}

}  // namespace kiln::rt
