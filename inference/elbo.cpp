#include "inference/elbo.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "runtime/errors.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/plate_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

const char* const kParticlePlate = "num_particles_vectorized";

// The number of vectorized plates the deepest site sits in.
int64_t max_plate_nesting(const ParticleTraces& t) {
  int64_t deepest = 0;
  for (const Trace* tr : {&t.guide(), &t.model()})
    for (const Message& m : tr->sites()) {
      int64_t n = 0;
      for (const CondIndepFrame& f : m.cond_indep_stack) n = std::max(n, f.vectorized ? -f.dim : 0);
      deepest = std::max(deepest, n);
    }
  return deepest;
}

// (model, guide, *args) of loss()/differentiable_loss(), args as a view.
struct LossCall {
  Value model, guide;
  CallArgs rest;
};

LossCall split_loss_args(const CallArgs& args, const std::string& who) {
  if (args.npos < 2) raise(who + "() needs the model and the guide, then their arguments");
  CallArgs rest = args;
  rest.pos += 2;
  rest.npos -= 2;
  return {args.pos[0], args.pos[1], rest};
}

}  // namespace

Elbo::Elbo(std::string name, ElboOptions options)
    : Object(ObjKind::kNative), name_(std::move(name)), options_(options) {
  if (options_.num_particles < 1)
    raise(name_ + "(): num_particles must be at least 1, got " +
          std::to_string(options_.num_particles));
}

at::Tensor Elbo::per_particle_sum(const at::Tensor& log_prob) const {
  if (particle_dim_ == 0) return log_prob.dim() == 0 ? log_prob : log_prob.sum();
  const int64_t d = log_prob.dim() + particle_dim_;  // index of the particle dim
  if (d < 0) return log_prob.sum().expand({particles_}) / particles_;  // outside the particle plate
  std::vector<int64_t> others;
  for (int64_t i = 0; i < log_prob.dim(); ++i)
    if (i != d) others.push_back(i);
  at::Tensor per = others.empty() ? log_prob : log_prob.sum(others);
  return per.expand({particles_});
}

at::Tensor Elbo::trace_log_prob(Trace& trace, bool (*keep)(const Message&)) const {
  at::Tensor total;
  for (Message& m : trace.sites()) {
    if (m.type != MessageType::kSample || (keep && !keep(m))) continue;
    compute_site_log_prob(m);
    const at::Tensor s = per_particle_sum(m.log_prob);
    total = total.defined() ? total + s : s;
  }
  if (total.defined()) return total;
  return particle_dim_ == 0 ? at::zeros({}) : at::zeros({particles_});
}

ElboEstimate Elbo::estimate(const Value& model, const Value& guide, const CallArgs& args) {
  if (options_.vectorize_particles && options_.num_particles > 1)
    return estimate_vectorized(model, guide, args);
  ElboEstimate out;
  at::Tensor elbo, surrogate;
  for (int64_t i = 0; i < options_.num_particles; ++i) {
    out.last = run_particle(model, guide, args, name_);
    const ParticleTerms terms = particle_terms(out.last);
    elbo = elbo.defined() ? elbo + terms.elbo : terms.elbo;
    surrogate = surrogate.defined() ? surrogate + terms.surrogate_elbo : terms.surrogate_elbo;
  }
  const double n = static_cast<double>(options_.num_particles);
  out.loss = (-elbo / n).detach();
  out.surrogate_loss = -surrogate / n;
  return out;
}

ElboEstimate Elbo::estimate_vectorized(const Value& model, const Value& guide,
                                       const CallArgs& args) {
  // One plain particle finds how many plate dims the model uses, so the
  // particle plate can sit to their left (as Pyro's max_plate_nesting).
  const int64_t nesting = options_.max_plate_nesting >= 0
                              ? options_.max_plate_nesting
                              : max_plate_nesting(run_particle(model, guide, args, name_));
  PlateMessenger particles(kParticlePlate, options_.num_particles, std::nullopt, at::Tensor(),
                           -(nesting + 1));
  ElboEstimate out;
  particle_dim_ = -(nesting + 1);
  particles_ = options_.num_particles;
  try {
    {
      HandlerScope scope(particles);
      out.last = run_particle(model, guide, args, name_);
    }
    const ParticleTerms terms = particle_terms(out.last);
    out.loss = (-terms.elbo.mean()).detach();
    out.surrogate_loss = -terms.surrogate_elbo.mean();
  } catch (...) {
    particle_dim_ = 0;
    particles_ = 1;
    throw;
  }
  particle_dim_ = 0;
  particles_ = 1;
  return out;
}

std::string Elbo::to_string() const {
  return name_ + "(num_particles=" + std::to_string(options_.num_particles) +
         (options_.vectorize_particles ? ", vectorize_particles=True" : "") + ")";
}

Value Elbo::get_attr(std::string_view attr) const {
  if (attr == "num_particles") return Value(options_.num_particles);
  if (attr == "vectorize_particles") return Value(options_.vectorize_particles);
  if (attr == "loss" || attr == "differentiable_loss")
    return make_value(new BoundMethodObject(Value(const_cast<Elbo*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value Elbo::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = name_ + "." + std::string(method);
  if (method == "loss" || method == "differentiable_loss") {
    return torch_guard(who, [&]() -> Value {
      const LossCall call = split_loss_args(args, who);
      if (method == "loss") {
        at::NoGradGuard no_grad;
        return Value(estimate(call.model, call.guide, call.rest).loss.item<double>());
      }
      return make_tensor(estimate(call.model, call.guide, call.rest).surrogate_loss);
    });
  }
  return Object::call_method(method, args);
}

Elbo* as_elbo(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<Elbo*>(v.obj());
}

}  // namespace kiln::rt
