// MixtureSameFamily(mixture_distribution, component_distribution): a finite
// mixture whose k components are the rightmost batch dim of one
// distribution, weighted by a Categorical over k categories, as
// torch.distributions.MixtureSameFamily:
//   p(x) = sum_j w_j p_j(x),   log p(x) = logsumexp_j(log w_j + log p_j(x))
// A mixture of three Gaussians:
//   MixtureSameFamily(Categorical(probs=w), Normal(mus, sigmas))   # mus: shape (3,)
// Batch shape: broadcast of the Categorical's batch shape and the
// components' batch shape without its last dim; event shape: the
// components'. Draws pick a component per element, then take its draw; not
// reparameterized. mean and variance combine the components' by the laws of
// total expectation and variance. Immutable; holds references to both.
#pragma once

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class MixtureSameFamily final : public Distribution {
 public:
  // Throws KilnError unless `mixing` holds a Categorical and `components` a
  // distribution with a batch dim of as many components as categories, and
  // their batch shapes broadcast.
  MixtureSameFamily(const Value& mixing, const Value& components);
  static Value make(const Value& mixture_distribution, const Value& component_distribution);

  std::string_view name() const override { return "MixtureSameFamily"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override { return {}; }
  Value support() const override { return components().support(); }
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor cdf(const at::Tensor& value) const override;
  at::Tensor variance() const override;

  // Both expanded to this distribution's batch shape (plus the components'
  // dim for the components).
  const Distribution& mixing() const { return *as_distribution(mixing_); }
  const Distribution& components() const { return *as_distribution(components_); }

  // "MixtureSameFamily(Categorical(...), Normal(...))"; attributes
  // .mixture_distribution and .component_distribution besides the base's.
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override {
    out.push_back(mixing_);
    out.push_back(components_);
  }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  // The mixing weights, log-normalized, shape batch_shape + (k,).
  at::Tensor log_weights() const;
  // The weights with one trailing 1 per event dim, to broadcast against
  // the components' moments.
  at::Tensor weights_for_moments() const;

  Value mixing_, components_;
};

}  // namespace kiln::rt
