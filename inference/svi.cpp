#include "inference/svi.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <unordered_set>

#include "inference/elbo.h"
#include "inference/optim/optimizer.h"
#include "inference/particle.h"
#include "runtime/callable.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

bool all_finite(const at::Tensor& t) {
  return !at::isFloatingType(t.scalar_type()) || at::isfinite(t.detach()).all().item<bool>();
}

std::string describe(const at::Tensor& t) {
  if (t.numel() == 1) return print_scalar(t.detach().reshape({}));
  return "a tensor of shape " + shape_to_string(t.sizes().vec());
}

}  // namespace

Svi::Svi(Value model, Value guide, Value optim, Value loss)
    : Object(ObjKind::kNative),
      model_(std::move(model)),
      guide_(std::move(guide)),
      optim_(std::move(optim)),
      loss_(std::move(loss)) {
  if (!is_callable(model_)) raise("SVI(): the model must be a function, got " + rt::type_name(model_));
  if (!is_callable(guide_))
    raise("SVI(): the guide must be a function or an autoguide, got " + rt::type_name(guide_));
  optimizer_ = optim_.is(ObjKind::kNative) ? dynamic_cast<Optimizer*>(optim_.obj()) : nullptr;
  if (optimizer_ == nullptr)
    raise("SVI(): optim must be an optimizer such as Adam({\"lr\": 0.01}), got " + rt::type_name(optim_));
  elbo_ = as_elbo(loss_);
  if (elbo_ == nullptr)
    raise("SVI(): loss must be an ELBO such as Trace_ELBO(), got " + rt::type_name(loss_));
}

std::vector<std::pair<std::string, at::Tensor>> touched_params(const ParticleTraces& traces) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  std::unordered_set<std::string> seen;
  ParamStore& store = ParamStore::global();
  for (const Trace* tr : {&traces.guide(), &traces.model()})
    for (const Message& m : tr->sites())
      if (m.type == MessageType::kParam && seen.insert(m.name).second && store.contains(m.name))
        out.emplace_back(m.name, store.unconstrained(m.name));
  return out;
}

void raise_non_finite_loss(const std::string& who, int64_t step, double loss,
                           const ParticleTraces& traces) {
  const std::string head = who + ": the loss is " + to_repr(Value(loss)) + " at step " +
                           std::to_string(step);
  for (const auto& [label, tr] : {std::pair<const char*, const Trace*>{"guide", &traces.guide()},
                                  {"model", &traces.model()}}) {
    for (const Message& m : tr->sites()) {
      if (m.type != MessageType::kSample) continue;
      const Distribution* d = as_distribution(m.fn);
      const std::string dist = d ? " from " + d->to_string() : "";
      if (m.value && is_tensor(*m.value) && !all_finite(tensor_of(*m.value)))
        raise(head + "; the first non-finite term: " + label + " site '" + m.name + "' has value " +
                  describe(tensor_of(*m.value)) + dist,
              "check the parameters feeding that site (a scale that reached 0, an exp that overflowed); a smaller learning rate often helps");
      if (m.log_prob.defined() && !all_finite(m.log_prob))
        raise(head + "; the first non-finite term: " + label + " site '" + m.name + "' has log_prob " +
                  describe(m.log_prob) + dist,
              "check the parameters feeding that site (a scale that reached 0, an exp that overflowed); a smaller learning rate often helps");
    }
  }
  raise(head + "; every site's value and log_prob is finite, so a parameter or baseline is not",
        "a smaller learning rate often helps");
}

double Svi::step(const CallArgs& args) {
  const ElboEstimate est = elbo_->estimate(model_, guide_, args);
  ++steps_;
  const double loss = est.loss.item<double>();
  if (!std::isfinite(loss)) raise_non_finite_loss("SVI.step", steps_, loss, est.last);
  std::vector<std::pair<std::string, at::Tensor>> params = touched_params(est.last);
  std::vector<at::Tensor> leaves;
  for (const auto& p : params) leaves.push_back(p.second);
  if (!leaves.empty() && est.surrogate_loss.requires_grad()) {
    const std::vector<at::Tensor> grads = torch::autograd::grad(
        {est.surrogate_loss}, leaves, {}, /*retain_graph=*/false, /*create_graph=*/false,
        /*allow_unused=*/true);
    for (size_t i = 0; i < leaves.size(); ++i) leaves[i].mutable_grad() = grads[i];
    optimizer_->step(params);
  }
  return loss;
}

double Svi::evaluate_loss(const CallArgs& args) {
  at::NoGradGuard no_grad;
  return elbo_->estimate(model_, guide_, args).loss.item<double>();
}

std::string Svi::to_string() const {
  return "SVI(" + to_str(model_) + ", " + to_str(guide_) + ", " + to_str(optim_) + ", " +
         to_str(loss_) + ")";
}

Value Svi::get_attr(std::string_view attr) const {
  if (attr == "model") return model_;
  if (attr == "guide") return guide_;
  if (attr == "optim") return optim_;
  if (attr == "loss") return loss_;
  if (attr == "num_steps") return Value(steps_);
  if (attr == "step" || attr == "evaluate_loss")
    return make_value(new BoundMethodObject(Value(const_cast<Svi*>(this)), std::string(attr)));
  return Object::get_attr(attr);
}

Value Svi::call_method(std::string_view method, const CallArgs& args) {
  if (method == "step") return torch_guard("SVI.step", [&] { return Value(step(args)); });
  if (method == "evaluate_loss")
    return torch_guard("SVI.evaluate_loss", [&] { return Value(evaluate_loss(args)); });
  return Object::call_method(method, args);
}

}  // namespace kiln::rt
