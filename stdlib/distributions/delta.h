// Delta(v, event_dim): a point mass at v, as Pyro's dist.Delta. The runtime
// uses it for deterministic(name, value) sites: observed at v, masked out of
// the log density, so traces record the value without scoring it. The
// Delta builtin for users comes with the distribution library.
//   log p(x) = sum over event dims of log(x == v)   (0 or -inf)
#pragma once

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Delta final : public Distribution {
 public:
  // The rightmost `event_dim` dims of v form the event.
  Delta(at::Tensor v, int64_t event_dim);

  std::string_view name() const override { return "Delta"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  std::string_view support() const override { return "real"; }
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return v_; }
  at::Tensor variance() const override;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor v_;
};

}  // namespace kiln::rt
