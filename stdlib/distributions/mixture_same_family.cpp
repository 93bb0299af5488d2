#include "stdlib/distributions/mixture_same_family.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "MixtureSameFamily";

// The Categorical's logits (its probs' logs if the class only has those).
at::Tensor mixing_logits(const Distribution& categorical) {
  const at::Tensor logits = categorical.param("logits");
  return logits.defined() ? logits : categorical.param("probs").log();
}

const Distribution& checked_mixing(const Value& mixing) {
  const Distribution* d = as_distribution(mixing);
  if (d == nullptr) raise_arg_type(kName, "mixture_distribution", "a Categorical", mixing);
  if (d->name() != "Categorical")
    raise_arg_error(kName,
                    "mixture_distribution must be a Categorical, got " + std::string(d->name()));
  return *d;
}

const Distribution& checked_components(const Value& components) {
  const Distribution* d = as_distribution(components);
  if (d == nullptr) raise_arg_type(kName, "component_distribution", "a distribution", components);
  if (d->batch_shape().empty())
    raise_arg_error(kName,
                    "component_distribution must have a batch dim for the components "
                    "(its rightmost), but its batch shape is ()");
  return *d;
}

// broadcast(mixing batch shape, component batch shape without the
// components' dim), after checking that the numbers of categories and
// components agree.
std::vector<int64_t> checked_batch_shape(const Value& mixing, const Value& components) {
  const Distribution& m = checked_mixing(mixing);
  const Distribution& c = checked_components(components);
  const int64_t categories = mixing_logits(m).size(-1);
  const std::vector<int64_t>& cb = c.batch_shape();
  if (categories != cb.back())
    raise_arg_error(kName, "mixture_distribution has " + std::to_string(categories) +
                               " categories but component_distribution has " +
                               std::to_string(cb.back()) +
                               " components (the rightmost dim of its batch shape " +
                               shape_to_string(cb) + ")");
  const std::vector<int64_t> per_element(cb.begin(), cb.end() - 1);
  try {
    return at::infer_size(m.batch_shape(), per_element);
  } catch (const std::exception&) {
    raise_arg_error(kName, "the batch shape " + shape_to_string(m.batch_shape()) +
                               " of mixture_distribution does not broadcast with " +
                               shape_to_string(per_element) +
                               ", the batch shape of component_distribution without its "
                               "components");
  }
}

const std::vector<int64_t>& event_of(const Value& components) {
  return checked_components(components).event_shape();
}

Value builtin_mixture_same_family(const CallArgs& args) {
  check_args(args, 0, 2, "mixture_distribution,component_distribution");
  return MixtureSameFamily::make(required_arg(args, 0, "mixture_distribution"),
                                 required_arg(args, 1, "component_distribution"));
}

}  // namespace

MixtureSameFamily::MixtureSameFamily(const Value& mixing, const Value& components)
    : Distribution(checked_batch_shape(mixing, components), event_of(components),
                   checked_components(components).dtype()) {
  std::vector<int64_t> component_batch = batch_shape();
  component_batch.push_back(as_distribution(components)->batch_shape().back());
  mixing_ = as_distribution(mixing)->expand(batch_shape());
  components_ = as_distribution(components)->expand(component_batch);
}

Value MixtureSameFamily::make(const Value& mixture_distribution,
                              const Value& component_distribution) {
  return make_value(new MixtureSameFamily(mixture_distribution, component_distribution));
}

at::Tensor MixtureSameFamily::log_weights() const {
  return mixing_logits(mixing()).log_softmax(-1);
}

at::Tensor MixtureSameFamily::weights_for_moments() const {
  at::Tensor w = log_weights().exp();
  for (size_t i = 0; i < event_shape().size(); ++i) w = w.unsqueeze(-1);
  return w;
}

// Each value is scored under every component: a component dim is inserted
// just left of the event dims, where the components' batch dim lies.
at::Tensor MixtureSameFamily::log_prob_impl(const at::Tensor& value) const {
  const int64_t event_dims = static_cast<int64_t>(event_shape().size());
  const at::Tensor per_component = components().log_prob(value.unsqueeze(-1 - event_dims));
  return at::logsumexp(per_component + log_weights(), {-1});
}

at::Tensor MixtureSameFamily::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  const int64_t component_dim = static_cast<int64_t>(sample_shape.size() + batch_shape().size());
  const at::Tensor which = mixing().sample(sample_shape).to(at::kLong);
  const at::Tensor draws = components().sample(sample_shape);
  std::vector<int64_t> index_shape = which.sizes().vec();
  index_shape.push_back(1);
  std::vector<int64_t> gathered_shape = index_shape;
  for (int64_t e : event_shape()) {
    index_shape.push_back(1);
    gathered_shape.push_back(e);
  }
  const at::Tensor index = which.reshape(index_shape).expand(gathered_shape);
  return draws.gather(component_dim, index).squeeze(component_dim);
}

// For univariate components, as torch: the weighted sum of the components' cdfs.
at::Tensor MixtureSameFamily::cdf(const at::Tensor& value) const {
  if (!event_shape().empty())
    raise("MixtureSameFamily has no cdf for multivariate components (event shape " +
          shape_to_string(event_shape()) + ")");
  return (components().cdf(value.unsqueeze(-1)) * log_weights().exp()).sum(-1);
}

at::Tensor MixtureSameFamily::mean() const {
  const int64_t component_dim = -1 - static_cast<int64_t>(event_shape().size());
  return (weights_for_moments() * components().mean()).sum(component_dim);
}

// Var = E[Var(X | j)] + Var(E[X | j]).
at::Tensor MixtureSameFamily::variance() const {
  const int64_t component_dim = -1 - static_cast<int64_t>(event_shape().size());
  const at::Tensor w = weights_for_moments();
  const at::Tensor means = components().mean();
  const at::Tensor overall = (w * means).sum(component_dim, /*keepdim=*/true);
  return (w * components().variance()).sum(component_dim) +
         (w * (means - overall).pow(2)).sum(component_dim);
}

Value MixtureSameFamily::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> component_batch = batch_shape.vec();
  component_batch.push_back(components().batch_shape().back());
  return make_value(
      new MixtureSameFamily(mixing().expand(batch_shape), components().expand(component_batch)));
}

std::string MixtureSameFamily::to_string() const {
  return "MixtureSameFamily(" + mixing().to_string() + ", " + components().to_string() + ")";
}

Value MixtureSameFamily::get_attr(std::string_view attr) const {
  if (attr == "mixture_distribution") return mixing_;
  if (attr == "component_distribution") return components_;
  return Distribution::get_attr(attr);
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_MixtureSameFamily, &guarded<&builtin_mixture_same_family>);
}

}  // namespace kiln::rt
