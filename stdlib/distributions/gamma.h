// Gamma(concentration, rate): the Gamma distribution with shape
// `concentration` (alpha) and `rate` (beta = 1 / scale), as
// torch.distributions.Gamma.
//   log p(x) = alpha log(beta) + (alpha - 1) log(x) - beta x - lgamma(alpha)
// rsample is reparameterized implicitly: LibTorch's _standard_gamma has a
// registered derivative (_standard_gamma_grad), so gradients reach
// concentration as well as rate.
// Validation: concentration and rate positive; values nonnegative.
//
// The free functions at the bottom are shared by the distributions built on
// Gamma draws or densities: InverseGamma, Chi2, Beta and StudentT.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Gamma final : public Distribution {
 public:
  // `concentration` and `rate` must already share a floating dtype and shape
  // (broadcast_params). Throws KilnError if `validate` and they are invalid.
  Gamma(at::Tensor concentration, at::Tensor rate, bool validate);
  // From a user's arguments (numbers, tensors, lists), validated if
  // validation is on.
  static Value make(const Value& concentration, const Value& rate);

  std::string_view name() const override { return "Gamma"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override { return constraint_of(ConstraintKind::kNonnegative); }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return concentration_ / rate_; }
  at::Tensor variance() const override { return concentration_ / rate_.pow(2); }
  at::Tensor entropy() const override;

  const at::Tensor& concentration() const { return concentration_; }
  const at::Tensor& rate() const { return rate_; }

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor concentration_, rate_;
};

// A reparameterized Gamma(concentration, rate) draw of shape `shape` (both
// parameters broadcast to it), clamped below at the dtype's smallest normal
// number as torch does, so that logs and reciprocals of draws stay finite.
at::Tensor gamma_rsample(const at::Tensor& concentration, const at::Tensor& rate,
                         at::IntArrayRef shape);
// log p(x) of Gamma(concentration, rate), broadcasting its arguments.
at::Tensor gamma_log_density(const at::Tensor& concentration, const at::Tensor& rate,
                             const at::Tensor& x);
// The entropy of Gamma(concentration, rate):
//   alpha - log(beta) + lgamma(alpha) + (1 - alpha) digamma(alpha)
at::Tensor gamma_entropy(const at::Tensor& concentration, const at::Tensor& rate);

}  // namespace kiln::rt
