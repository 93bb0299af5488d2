// Empirical(values, log_weights): a distribution over a finite set of
// weighted draws (Pyro's Empirical), the result of importance sampling and
// EmpiricalMarginal. values has shape (N,) + event shape of one draw...
// here each draw is treated as one point of the batch-free distribution:
// batch shape (), event shape values.shape[1:].
//   mean, variance        weighted moments
//   sample(shape)         draws by weight
//   log_prob(x)           log of the total weight of the draws equal to x
//   quantiles([0.05, 0.5, 0.95])   weighted quantiles (scalar draws)
#pragma once

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Empirical final : public Distribution {
 public:
  // values (N, ...) and log_weights (N,), not normalized. Raises KilnError
  // on mismatched sizes or N == 0.
  Empirical(at::Tensor values, at::Tensor log_weights);

  std::string_view name() const override { return "Empirical"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override;
  at::Tensor sample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override;
  at::Tensor variance() const override;
  // Weighted quantiles of scalar draws, shape (len(qs),).
  at::Tensor quantiles(const std::vector<double>& qs) const;

  Value call_method(std::string_view method, const CallArgs& args) override;
  Value get_attr(std::string_view attr) const override;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor normalized_weights() const;
  at::Tensor values_, log_weights_;
};

}  // namespace kiln::rt
