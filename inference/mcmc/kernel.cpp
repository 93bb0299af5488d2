#include "inference/mcmc/kernel.h"

#include <algorithm>
#include <cmath>

#include "inference/autoguide/init_strategies.h"
#include "inference/mcmc/nuts.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/value_ops.h"

namespace kiln::rt {

namespace {

// Stan's default integration time for static HMC.
constexpr double kDefaultTrajectoryLength = 2 * M_PI;

}  // namespace

McmcKernel::McmcKernel(KernelKind kind, Value model, KernelOptions options)
    : Object(ObjKind::kNative), kind_(kind), model_(std::move(model)), options_(std::move(options)) {
  const std::string who = name() + "()";
  if (!is_callable(model_))
    raise(who + ": the model must be a function, got " + rt::type_name(model_),
          name() + "(model) samples the latent sites of the model function");
  auto require = [&](bool ok, const std::string& what) {
    if (!ok) raise(who + ": " + what);
  };
  const KernelOptions& o = options_;
  require(std::isfinite(o.step_size) && o.step_size > 0,
          "step_size must be positive, got " + format_float(o.step_size));
  if (o.num_steps) require(*o.num_steps >= 1, "num_steps must be at least 1, got " + std::to_string(*o.num_steps));
  if (o.trajectory_length)
    require(std::isfinite(*o.trajectory_length) && *o.trajectory_length > 0,
            "trajectory_length must be positive, got " + format_float(*o.trajectory_length));
  require(o.target_accept_prob > 0 && o.target_accept_prob < 1,
          "target_accept_prob must lie strictly between 0 and 1, got " + format_float(o.target_accept_prob));
  require(o.max_tree_depth >= 1 && o.max_tree_depth <= kMaxTreeDepthLimit,
          "max_tree_depth must be from 1 to " + std::to_string(kMaxTreeDepthLimit) + ", got " +
              std::to_string(o.max_tree_depth));
  if (options_.init_strategy.is_none() || options_.init_strategy.is_unbound())
    options_.init_strategy = check_init_loc_fn(nullptr, InitKind::kUniform, name());
}

std::string McmcKernel::metric_name() const {
  if (!options_.adapt_mass_matrix) return "unit_e";
  return options_.full_mass ? "dense_e" : "diag_e";
}

double McmcKernel::trajectory_length() const {
  if (options_.trajectory_length) return *options_.trajectory_length;
  if (options_.num_steps) return options_.step_size * static_cast<double>(*options_.num_steps);
  return kDefaultTrajectoryLength;
}

std::unique_ptr<HmcSampler> McmcKernel::make_sampler(PotentialGradient potential, int64_t dim) const {
  HmcSettings s;
  s.who = name();
  s.step_size = options_.step_size;
  s.trajectory_length = trajectory_length();
  s.max_tree_depth = options_.max_tree_depth;
  s.adaptation.adapt_step_size = options_.adapt_step_size;
  s.adaptation.adapt_mass_matrix = options_.adapt_mass_matrix;
  s.adaptation.full_mass = options_.full_mass;
  s.adaptation.target_accept_prob = options_.target_accept_prob;
  if (kind_ == KernelKind::kNuts) return std::make_unique<NutsSampler>(std::move(potential), dim, s);
  return std::make_unique<HmcSampler>(std::move(potential), dim, s);
}

std::string McmcKernel::to_string() const {
  const KernelOptions& o = options_;
  std::string out = name() + "(model=" + to_str(model_) + ", step_size=" + format_float(o.step_size);
  if (kind_ == KernelKind::kHmc) out += ", trajectory_length=" + format_float(trajectory_length());
  out += std::string(", adapt_step_size=") + (o.adapt_step_size ? "True" : "False") +
         ", adapt_mass_matrix=" + (o.adapt_mass_matrix ? "True" : "False") +
         ", full_mass=" + (o.full_mass ? "True" : "False") +
         ", target_accept_prob=" + format_float(o.target_accept_prob);
  if (kind_ == KernelKind::kNuts) out += ", max_tree_depth=" + std::to_string(o.max_tree_depth);
  return out + ", init_strategy=" + to_str(o.init_strategy) + ")";
}

Value McmcKernel::get_attr(std::string_view attr) const {
  const KernelOptions& o = options_;
  if (attr == "model") return model_;
  if (attr == "step_size") return Value(o.step_size);
  if (attr == "adapt_step_size") return Value(o.adapt_step_size);
  if (attr == "adapt_mass_matrix") return Value(o.adapt_mass_matrix);
  if (attr == "full_mass") return Value(o.full_mass);
  if (attr == "target_accept_prob") return Value(o.target_accept_prob);
  if (attr == "init_strategy") return o.init_strategy;
  if (kind_ == KernelKind::kNuts && attr == "max_tree_depth") return Value(o.max_tree_depth);
  if (kind_ == KernelKind::kHmc && attr == "trajectory_length") return Value(trajectory_length());
  if (kind_ == KernelKind::kHmc && attr == "num_steps") {
    const double steps = std::floor(trajectory_length() / o.step_size);
    return Value(std::max<int64_t>(1, static_cast<int64_t>(steps)));
  }
  return Object::get_attr(attr);
}

const McmcKernel* as_mcmc_kernel(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<const McmcKernel*>(v.obj());
}

}  // namespace kiln::rt
