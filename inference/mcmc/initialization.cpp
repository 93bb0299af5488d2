#include "inference/mcmc/initialization.h"

#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "inference/autoguide/init_strategies.h"
#include "inference/mcmc/potential.h"
#include "runtime/errors.h"
#include "runtime/handlers/trace.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/tensor/tensor_print.h"

namespace kiln::rt {

namespace {

bool all_finite(const at::Tensor& t) {
  return !at::isFloatingType(t.scalar_type()) || at::isfinite(t.detach()).all().item<bool>();
}

std::string describe(const at::Tensor& t) {
  if (t.numel() == 1) return print_scalar(t.detach().reshape({}));
  return "non-finite entries (shape " + shape_to_string(t.sizes().vec()) + ")";
}

std::string latent_names(const Potential& potential) {
  std::string names;
  for (const LatentBlock& b : potential.blocks()) names += (names.empty() ? "" : ", ") + b.name;
  return names;
}

void verify_initial_params(const Potential& potential, const Value& initial_params) {
  if (initial_params.is_none()) return;
  const std::string who = "MCMC";
  if (!initial_params.is(ObjKind::kDict))
    raise_arg_type(who, "initial_params", "a dict of site name -> constrained value", initial_params);
  initial_params.as<DictObject>()->for_each([&](const Value& key, const Value&) {
    if (!is_str(key))
      raise_arg_error(who, "initial_params must be keyed by site names (str), got " + type_name(key));
    for (const LatentBlock& b : potential.blocks())
      if (b.name == str_of(key)) return;
    raise(who + "(): initial_params names '" + str_of(key) + "', which is not a latent site of the model",
          "its latent sites are: " + latent_names(potential));
  });
}

// The constrained initial value of each site for one attempt.
std::vector<at::Tensor> initial_values(const Potential& potential, const Value& init_strategy,
                                       const Value& given) {
  std::vector<at::Tensor> values;
  for (const LatentBlock& b : potential.blocks()) {
    const Message& site = potential.prototype_site(b);
    if (given.is(ObjKind::kDict) && given.as<DictObject>()->find(make_str(b.name)) != nullptr) {
      // init_to_value checks the shape and the support and words the errors.
      const Value strategy = make_value(new InitStrategy(InitKind::kValue, 15, 2.0, given));
      values.push_back(as_init_strategy(strategy)->initial_value(site));
      continue;
    }
    values.push_back(initial_site_value(init_strategy, site, potential.who()));
  }
  return values;
}

// Why the potential is not finite at z: the first site with a non-finite
// value, log_prob or Jacobian, else the gradient.
[[noreturn]] void raise_no_initial_point(const Potential& potential, const std::vector<double>& z) {
  const std::string head = potential.who() + ": no valid initial point in " +
                           std::to_string(kMaxInitAttempts) + " attempts: at the last one, ";
  const std::string hint =
      "check that the model's distributions accept every value in the supports of the latent "
      "sites, or start elsewhere with initial_params={...} in MCMC or "
      "init_strategy=init_to_value(values={...})";
  std::vector<at::Tensor> jacobians;
  const Value trace_value = potential.trace_at(z, jacobians);
  Trace& trace = *as_trace(trace_value);
  for (Message& m : trace.sites()) {
    if (m.type != MessageType::kSample) continue;
    const Distribution* d = as_distribution(m.fn);
    const std::string dist = d ? " under " + d->to_string() : "";
    if (m.value && is_tensor(*m.value) && !all_finite(tensor_of(*m.value)))
      raise(head + "site '" + m.name + "' has value " + describe(tensor_of(*m.value)) + dist, hint);
    compute_site_log_prob(m);
    if (!all_finite(m.log_prob))
      raise(head + "site '" + m.name + "' has log_prob " + describe(m.log_prob) + dist, hint);
  }
  for (size_t i = 0; i < jacobians.size(); ++i)
    if (!all_finite(jacobians[i]))
      raise(head + "the Jacobian of site '" + potential.blocks()[i].name + "''s transform is " +
                describe(jacobians[i]),
            hint);
  const at::Tensor grad = potential.raw_gradient(z);
  for (const LatentBlock& b : potential.blocks())
    if (!all_finite(grad.narrow(0, b.offset, b.size)))
      raise(head + "the log density is finite but its gradient with respect to site '" + b.name +
                "' is not",
            "a log_prob may be singular at this point (a scale of exactly 0, sqrt or log at 0); " +
                hint);
  raise(head + "the log density or its gradient is not finite", hint);
}

}  // namespace

std::vector<double> find_initial_point(const Potential& potential, const Value& init_strategy,
                                       const Value& initial_params) {
  verify_initial_params(potential, initial_params);
  std::vector<double> z, grad;
  for (int attempt = 0; attempt < kMaxInitAttempts; ++attempt) {
    z = potential.unconstrain(initial_values(potential, init_strategy, initial_params));
    if (std::isfinite(potential.evaluate(z, grad))) return z;
  }
  raise_no_initial_point(potential, z);
}

}  // namespace kiln::rt
