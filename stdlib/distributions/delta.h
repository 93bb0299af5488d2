// Delta(v, log_density=0.0, event_dim=0): a point mass at v, as Pyro's
// dist.Delta; the rightmost event_dim dims of v form one event.
//   log p(x) = sum over event dims of log(x == v) + log_density   (log_density or -inf)
// log_density (one value per batch element) lets a Delta carry the density
// of the transformation that produced v, as in Pyro. Reparameterized: its
// draws are v itself, so gradients flow to v. The runtime also uses it for
// deterministic(name, value) sites: observed at v, masked out of the log
// density, so traces record the value without scoring it.
#pragma once

#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

class Delta final : public Distribution {
 public:
  // The rightmost `event_dim` dims of v form the event (0 <= event_dim <=
  // v.dim(), else InternalError). `log_density` must broadcast to the batch
  // shape; undefined means 0. An int or bool v is held as float32.
  Delta(at::Tensor v, int64_t event_dim, at::Tensor log_density = at::Tensor());
  // From a user's arguments; raises KilnError for a bad event_dim or a
  // log_density that does not broadcast to the batch shape.
  static Value make(const Value& v, const Value* log_density, const Value* event_dim);

  std::string_view name() const override { return "Delta"; }
  std::vector<std::pair<std::string_view, at::Tensor>> params() const override;
  Value support() const override;
  bool has_rsample() const override { return true; }
  at::Tensor rsample(at::IntArrayRef sample_shape) const override;
  at::Tensor mean() const override { return v_; }
  at::Tensor variance() const override;

  // Attribute .event_dim besides the base's.
  Value get_attr(std::string_view attr) const override;

 protected:
  at::Tensor log_prob_impl(const at::Tensor& value) const override;
  Value expand_impl(at::IntArrayRef batch_shape) const override;

 private:
  at::Tensor v_, log_density_;
};

}  // namespace kiln::rt
