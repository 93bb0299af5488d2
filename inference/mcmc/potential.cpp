#include "inference/mcmc/potential.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "runtime/errors.h"
#include "runtime/handlers/block_messenger.h"
#include "runtime/handlers/handler_stack.h"
#include "runtime/handlers/trace_messenger.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ArgList copy_args(const CallArgs& args) {
  ArgList out;
  for (size_t i = 0; i < args.npos; ++i) out.push(args.pos[i]);
  for (size_t i = 0; i < args.nkw; ++i) out.push_kw(args.kw_names[i], args.kw_values[i]);
  return out;
}

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool is_latent(const Message& m) { return m.type == MessageType::kSample && !m.is_observed; }


// Supplies every latent site's value, as substitute() does, and checks that
// the run has exactly the prototype's latent sites.
class LatentValueMessenger final : public Messenger {
 public:
  LatentValueMessenger(const std::unordered_map<std::string, size_t>& index, std::vector<Value> values,
                       const std::string& who)
      : index_(index), values_(std::move(values)), seen_(values_.size(), false), who_(who) {}

  void process(Message& msg) override {
    if (!is_latent(msg)) return;
    const auto it = index_.find(msg.name);
    if (it == index_.end())
      raise(who_ + ": the model sampled the latent site '" + msg.name +
                "', which its first run did not have",
            "HMC and NUTS need the same latent sites on every run of the model: sites must not "
            "appear or disappear depending on the values of other latent sites");
    msg.value = values_[it->second];
    msg.done = true;
    seen_[it->second] = true;
  }

  void verify_all_seen(const std::vector<LatentBlock>& blocks) const {
    for (size_t i = 0; i < seen_.size(); ++i)
      if (!seen_[i])
        raise(who_ + ": the model did not sample its latent site '" + blocks[i].name +
                  "' this time, though its first run did",
              "HMC and NUTS need the same latent sites on every run of the model");
  }

 private:
  const std::unordered_map<std::string, size_t>& index_;
  std::vector<Value> values_;
  std::vector<bool> seen_;
  const std::string& who_;
};

std::unordered_map<std::string, size_t> index_blocks(const std::vector<LatentBlock>& blocks) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < blocks.size(); ++i) index.emplace(blocks[i].name, i);
  return index;
}

at::Tensor view_of(const std::vector<double>& z) {
  // LibTorch reads the data only; the const_cast never leads to a write.
  return at::from_blob(const_cast<double*>(z.data()), {static_cast<int64_t>(z.size())},
                       at::TensorOptions().dtype(at::kDouble));
}

LatentBlock read_block(const Message& m, size_t index, const std::string& who) {
  const Distribution* d = as_distribution(m.fn);
  KILN_ASSERT(d != nullptr && m.value.has_value(),
              who + " prototype: site '" + m.name + "' without a distribution or value");
  if (d->is_discrete())
    raise(who + " cannot sample the discrete site '" + m.name + "' (" + std::string(d->name()) + ")",
          "HMC and NUTS need continuous latent sites: sum '" + m.name +
              "' out of the model by hand (add the log of its summed probabilities with "
              "factor()), or condition the model on it; Kiln has no enumeration yet");
  LatentBlock b;
  b.name = m.name;
  b.distribution = std::string(d->name());
  b.transform = biject_to(d->support());
  const at::Tensor value = to_tensor(*m.value, "site '" + m.name + "' value");
  b.shape = value.sizes().vec();
  b.unconstrained_shape = b.bijection().inverse_shape(b.shape);
  b.size = numel(b.unconstrained_shape);
  b.value_size = numel(b.shape);
  b.dtype = at::isFloatingType(value.scalar_type()) ? value.scalar_type() : d->dtype();
  b.trace_index = index;
  b.identity = b.bijection().is_identity();
  return b;
}

}  // namespace

const Transform& LatentBlock::bijection() const {
  const Transform* t = as_transform(transform);
  KILN_ASSERT(t != nullptr, "LatentBlock: transform is not a Transform");
  return *t;
}

Potential::Potential(Value model, const CallArgs& args, std::string who)
    : model_(std::move(model)), args_(copy_args(args)), who_(std::move(who)) {
  BlockMessenger block{BlockOptions{}};
  TraceMessenger tracer;
  {
    HandlerScope outer(block);
    HandlerScope inner(tracer);
    tracer.trace().return_value = call_value(model_, args_.view());
  }
  prototype_ = tracer.trace_value();
  const std::vector<Message>& sites = tracer.trace().sites();
  for (size_t i = 0; i < sites.size(); ++i) {
    if (!is_latent(sites[i])) continue;
    LatentBlock b = read_block(sites[i], i, who_);
    b.offset = dim_;
    b.value_offset = value_dim_;
    dim_ += b.size;
    value_dim_ += b.value_size;
    blocks_.push_back(std::move(b));
  }
  if (blocks_.empty())
    raise(who_ + ": the model has no latent sample sites to sample",
          "every sample site of the model is observed (or it has none); MCMC draws the sites "
          "that are neither observed nor conditioned");
}

const Message& Potential::prototype_site(const LatentBlock& block) const {
  return as_trace(prototype_)->sites().at(block.trace_index);
}

std::vector<at::Tensor> Potential::leaves_at(const std::vector<double>& z, bool track) const {
  KILN_ASSERT(static_cast<int64_t>(z.size()) == dim_, "Potential: z has the wrong size");
  std::vector<at::Tensor> leaves;
  leaves.reserve(blocks_.size());
  for (const LatentBlock& b : blocks_) {
    const c10::ScalarType dtype = b.identity ? b.dtype : at::kDouble;
    // Filled on the host: one LibTorch call (the allocation) instead of a
    // dispatched copy or cast.
    at::Tensor leaf = at::empty(b.unconstrained_shape, at::TensorOptions().dtype(dtype));
    const double* from = z.data() + b.offset;
    if (dtype == at::kDouble) {
      std::copy(from, from + b.size, leaf.data_ptr<double>());
    } else if (dtype == at::kFloat) {
      std::copy(from, from + b.size, leaf.data_ptr<float>());
    } else {
      // LibTorch reads the data only; the const_cast never leads to a write.
      leaf = at::from_blob(const_cast<double*>(from), b.unconstrained_shape, at::TensorOptions().dtype(at::kDouble))
                 .to(dtype);
    }
    if (track) leaf.requires_grad_(true);
    leaves.push_back(std::move(leaf));
  }
  return leaves;
}

Value Potential::run_at(const std::vector<at::Tensor>& leaves, at::Tensor& log_jacobian,
                        std::vector<at::Tensor>* per_site) const {
  std::vector<Value> values;
  values.reserve(blocks_.size());
  log_jacobian = at::Tensor();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const LatentBlock& b = blocks_[i];
    const at::Tensor& x = leaves[i];
    // An unconstrained site (the commonest) has no Jacobian term: no
    // LibTorch operation at all for it.
    if (b.identity) {
      if (per_site != nullptr) per_site->push_back(at::zeros({}, at::TensorOptions().dtype(at::kDouble)));
      values.push_back(make_tensor(x));
      continue;
    }
    const Transform& t = b.bijection();
    const at::Tensor y = t.forward(x);
    // (A scalar site's term needs no reduction, and the leaf is float64 already.)
    at::Tensor term = t.log_abs_det_jacobian(x, y);
    if (term.dim() > 0) term = term.sum();
    if (term.scalar_type() != at::kDouble) term = term.to(at::kDouble);
    log_jacobian = log_jacobian.defined() ? log_jacobian + term : term;
    if (per_site != nullptr) per_site->push_back(term.detach());
    values.push_back(make_tensor(y.to(b.dtype)));
  }
  // The index is rebuilt per run: cheap next to the model, and it keeps the
  // Potential free of state a run could leave half-updated.
  const std::unordered_map<std::string, size_t> index = index_blocks(blocks_);
  BlockMessenger block{BlockOptions{}};
  TraceMessenger tracer;
  LatentValueMessenger latent(index, std::move(values), who_);
  {
    HandlerScope outer(block);
    HandlerScope middle(tracer);
    HandlerScope inner(latent);
    tracer.trace().return_value = call_value(model_, args_.view());
  }
  latent.verify_all_seen(blocks_);
  return tracer.trace_value();
}

double Potential::log_density(const std::vector<at::Tensor>& leaves, std::vector<at::Tensor>& grads) const {
  at::Tensor log_jacobian;
  const Value trace = run_at(leaves, log_jacobian, nullptr);
  at::Tensor lp = as_trace(trace)->log_prob_sum();
  if (log_jacobian.defined()) lp = lp.to(at::kDouble) + log_jacobian;
  const double value = lp.item<double>();
  grads.assign(leaves.size(), at::Tensor());
  // A point outside the density's support is rejected whatever its
  // gradient: skip the backward pass.
  if (lp.requires_grad() && std::isfinite(value))
    grads = torch::autograd::grad({lp}, leaves, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                  /*allow_unused=*/true);
  return value;
}

namespace {

// Copies -g (any floating dtype) into out[0 .. g.numel()); false if an
// entry is not finite.
bool copy_negated(const at::Tensor& g, double* out) {
  const at::Tensor c = g.detach().contiguous();
  const int64_t n = c.numel();
  bool finite = true;
  auto copy = [&](const auto* d) {
    for (int64_t i = 0; i < n; ++i) {
      out[i] = -static_cast<double>(d[i]);
      finite = finite && std::isfinite(out[i]);
    }
  };
  if (c.scalar_type() == at::kDouble) {
    copy(c.data_ptr<double>());
  } else if (c.scalar_type() == at::kFloat) {
    copy(c.data_ptr<float>());
  } else {
    const at::Tensor d = c.to(at::kDouble);
    copy(d.data_ptr<double>());
  }
  return finite;
}

}  // namespace

double Potential::evaluate(const std::vector<double>& z, std::vector<double>& grad) const {
  return torch_guard(who_, [&]() -> double {
    at::AutoGradMode grad_on(true);
    // Off on this thread only (see potential.h for why): other chains may be running.
    const ValidationOverride validation_off(false);
    std::vector<at::Tensor> grads;
    const double u = -log_density(leaves_at(z, true), grads);
    grad.assign(static_cast<size_t>(dim_), 0.0);
    if (!std::isfinite(u)) return kInf;
    for (size_t i = 0; i < blocks_.size(); ++i) {
      if (!grads[i].defined()) continue;  // the density does not depend on this site
      if (!copy_negated(grads[i], grad.data() + blocks_[i].offset)) {
        grad.assign(static_cast<size_t>(dim_), 0.0);
        return kInf;
      }
    }
    return u;
  });
}

at::Tensor Potential::raw_gradient(const std::vector<double>& z) const {
  return torch_guard(who_, [&] {
    at::AutoGradMode grad_on(true);
    // Off on this thread only (see potential.h for why): other chains may be running.
    const ValidationOverride validation_off(false);
    std::vector<at::Tensor> grads;
    log_density(leaves_at(z, true), grads);
    at::Tensor out = at::zeros({dim_}, at::TensorOptions().dtype(at::kDouble));
    double* d = out.data_ptr<double>();
    for (size_t i = 0; i < blocks_.size(); ++i)
      if (grads[i].defined()) copy_negated(grads[i], d + blocks_[i].offset);
    return out;
  });
}

Value Potential::trace_at(const std::vector<double>& z, std::vector<at::Tensor>& log_jacobians) const {
  return torch_guard(who_, [&] {
    at::NoGradGuard no_grad;
    // Off on this thread only (see potential.h for why): other chains may be running.
    const ValidationOverride validation_off(false);
    at::Tensor log_jacobian;
    log_jacobians.clear();
    return run_at(leaves_at(z, false), log_jacobian, &log_jacobians);
  });
}

void Potential::constrain(const std::vector<double>& z, double* out) const {
  torch_guard(who_, [&] {
    at::NoGradGuard no_grad;
    const at::Tensor zt = view_of(z);
    for (const LatentBlock& b : blocks_) {
      const at::Tensor x = zt.narrow(0, b.offset, b.size).reshape(b.unconstrained_shape);
      const at::Tensor y = b.bijection().forward(x).to(at::kDouble).contiguous();
      const double* d = y.data_ptr<double>();
      std::copy(d, d + b.value_size, out + b.value_offset);
    }
  });
}

std::vector<double> Potential::unconstrain(const std::vector<at::Tensor>& values) const {
  KILN_ASSERT(values.size() == blocks_.size(), "Potential::unconstrain: one value per site");
  return torch_guard(who_, [&] {
    at::NoGradGuard no_grad;
    std::vector<double> z(static_cast<size_t>(dim_));
    for (size_t i = 0; i < blocks_.size(); ++i) {
      const LatentBlock& b = blocks_[i];
      const at::Tensor x =
          b.bijection().inverse(values[i].to(at::kDouble)).reshape({-1}).contiguous();
      KILN_ASSERT(x.numel() == b.size, "Potential::unconstrain: site '" + b.name + "' has the wrong size");
      const double* d = x.data_ptr<double>();
      std::copy(d, d + b.size, z.begin() + b.offset);
    }
    return z;
  });
}

}  // namespace kiln::rt
