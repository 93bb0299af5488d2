// The base of every distribution (Normal, Bernoulli, ...): a kNative runtime
// object with PyTorch's shape semantics. A draw has shape
//     sample_shape + batch_shape + event_shape
// where batch dims are independent copies (plates broadcast along them) and
// event dims belong to one draw (a vector of a multivariate distribution);
// log_prob(x) has shape broadcast(x's leading dims, batch_shape).
//
// Parameters are tensors of one floating dtype, broadcast to batch_shape;
// Python numbers passed as parameters become float32 0-dim tensors (or the
// dtype of the other parameters). A distribution is immutable after
// construction, so it may be shared between sites, traces and threads.
//
// Validation (on by default, like Pyro's enable_validation) checks parameters
// at construction and values against the support in log_prob; errors name
// the distribution, the argument, the requirement and the offending value:
//   Normal(): scale must be positive, got -1.0
// Adding a distribution: see stdlib/distributions/README.md.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

// Pyro's pyro.enable_validation(): process-wide, on by default.
bool validation_enabled();
void set_validation_enabled(bool on);

class Distribution : public Object {
 public:
  Distribution(std::vector<int64_t> batch_shape, std::vector<int64_t> event_shape,
               c10::ScalarType dtype);

  // The name a user writes: "Normal".
  virtual std::string_view name() const = 0;
  // The parameters as given at construction, in signature order, for
  // printing: {"loc", loc}, {"scale", scale}.
  virtual std::vector<std::pair<std::string_view, at::Tensor>> params() const = 0;
  // Any parameter or derived parameter by name (Bernoulli has probs and
  // logits whichever was given); undefined if there is none.
  virtual at::Tensor param(std::string_view name) const;
  // The support's name ("real", "positive", "boolean", ...).
  virtual std::string_view support() const = 0;

  // A draw of shape sample_shape + batch_shape + event_shape, cut off from
  // autograd. Uses the global generator (stdlib/random.h).
  virtual at::Tensor sample(at::IntArrayRef sample_shape = {}) const;
  // A reparameterized draw that gradients flow through. Raises KilnError
  // unless has_rsample().
  virtual at::Tensor rsample(at::IntArrayRef sample_shape = {}) const;
  virtual bool has_rsample() const { return false; }

  // log p(value), differentiable in the parameters (and in value for
  // continuous distributions). Integral values are converted to the
  // distribution's dtype. With validation on, raises KilnError if value does
  // not broadcast with batch_shape + event_shape or lies outside the support.
  at::Tensor log_prob(const at::Tensor& value) const;

  // Moments and entropy; the defaults raise "<Name> has no <what>".
  virtual at::Tensor mean() const;
  virtual at::Tensor variance() const;
  virtual at::Tensor entropy() const;
  at::Tensor stddev() const;

  // The same distribution with batch dims broadcast to `batch_shape` (plates
  // use this). Raises KilnError if the current batch shape does not
  // broadcast to it. Returns this distribution when nothing changes.
  Value expand(at::IntArrayRef batch_shape) const;

  const std::vector<int64_t>& batch_shape() const { return batch_shape_; }
  const std::vector<int64_t>& event_shape() const { return event_shape_; }
  c10::ScalarType dtype() const { return dtype_; }
  // sample_shape + batch_shape + event_shape.
  std::vector<int64_t> extended_shape(at::IntArrayRef sample_shape) const;

  // Object: "Normal(loc: 0.0, scale: 1.0)"; attributes .mean .variance
  // .stddev .batch_shape .event_shape .support .has_rsample and the
  // parameters; methods .sample(shape=()) .rsample(shape=()) .log_prob(x)
  // .expand(shape) .entropy().
  std::string type_name() const override { return std::string(name()); }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  // log p(value) for a value already checked (if validating) and of the
  // distribution's floating dtype; broadcasting is left to the formula.
  virtual at::Tensor log_prob_impl(const at::Tensor& value) const = 0;
  // Elementwise "value is in the support" (bool, value's shape); used only
  // when validating. The default accepts everything (real support).
  virtual at::Tensor support_contains(const at::Tensor& value) const;
  // A copy with parameters expanded to `batch_shape` (already checked), not
  // validated again.
  virtual Value expand_impl(at::IntArrayRef batch_shape) const = 0;

 private:
  std::vector<int64_t> batch_shape_;
  std::vector<int64_t> event_shape_;
  c10::ScalarType dtype_;
};

// The distribution held by `v`, or null if v is not a distribution.
const Distribution* as_distribution(const Value& v);

}  // namespace kiln::rt
