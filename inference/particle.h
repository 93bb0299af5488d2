// One particle of a variational objective: the guide run under trace, then
// the model run under trace(replay(model, guide_trace)), so every latent
// model site takes the guide's draw (Pyro's get_importance_trace). Shared
// by the ELBOs, Importance and Predictive.
#pragma once

#include <string>

#include "runtime/call_args.h"
#include "runtime/handlers/trace.h"
#include "runtime/value.h"

namespace kiln::rt {

struct ParticleTraces {
  Value guide_value;  // Trace objects (values, so a language-level caller may keep them)
  Value model_value;
  Trace& guide() const { return *as_trace(guide_value); }
  Trace& model() const { return *as_trace(model_value); }
};

// Runs guide then model; checks that they agree (check_model_guide_match)
// with `who` ("Trace_ELBO") naming the caller in errors.
ParticleTraces run_particle(const Value& model, const Value& guide, const CallArgs& args,
                            const std::string& who);

// Raises KilnError naming the site when the guide and model disagree:
//  - a latent model site that the guide lacks;
//  - a guide sample site that is observed in the model, or that the model
//    lacks (unless the guide marks it infer={"is_auxiliary": True});
//  - a guide value whose shape does not fit the model's distribution;
//  - a guide value outside the model's support (when validation is on).
void check_model_guide_match(const Trace& model, const Trace& guide, const std::string& who);

// True if the guide site was drawn with a reparameterized sampler (its
// distribution has rsample), so pathwise gradients flow through its value.
bool is_reparameterized(const Message& guide_site);

// Auxiliary guide sites (infer={"is_auxiliary": True}) have no model twin.
bool is_auxiliary(const Message& site);

}  // namespace kiln::rt
