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
// validation_enabled() is this thread's setting: the process-wide one
// unless a ValidationOverride is in scope on the thread.
bool validation_enabled();
void set_validation_enabled(bool on);

// Validation on or off on the calling thread only, for the scope's
// lifetime (MCMC's potential evaluates with it off while other chains run).
class ValidationOverride {
 public:
  explicit ValidationOverride(bool on);
  ~ValidationOverride();
  ValidationOverride(const ValidationOverride&) = delete;
  ValidationOverride& operator=(const ValidationOverride&) = delete;

 private:
  int previous_;
};

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
  // The support: a constraint value (stdlib/distributions/constraint.h),
  // e.g. constraint_of(ConstraintKind::kPositive) or interval(low, high).
  // Validation checks values against it; biject_to(support()) maps the
  // unconstrained reals onto it for SVI and NUTS.
  virtual Value support() const = 0;
  // Integer- or bool-valued (no rsample; NUTS refuses such sites).
  bool is_discrete() const;

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
  // The checks log_prob makes when validating: raises KilnError "<who>():
  // value of shape ... does not broadcast ..." or "value is outside the
  // support ..." (sample sites check observed values with it).
  void check_value(const at::Tensor& value, std::string_view who) const;

  // Moments and entropy; the defaults raise "<Name> has no <what>".
  virtual at::Tensor mean() const;
  virtual at::Tensor variance() const;
  virtual at::Tensor entropy() const;
  at::Tensor stddev() const;
  // Cumulative distribution function and its inverse, for univariate
  // continuous distributions that have them; the defaults raise.
  virtual at::Tensor cdf(const at::Tensor& value) const;
  virtual at::Tensor icdf(const at::Tensor& q) const;

  // Finite discrete distributions: every value of the support, as torch's
  // enumerate_support: shape (n,) + (1,) * batch dims + event_shape when
  // !expand, else (n,) + batch_shape + event_shape. The default raises.
  virtual bool has_enumerate_support() const { return false; }
  virtual at::Tensor enumerate_support(bool expand) const;

  // Independent(self, n): the n rightmost batch dims become event dims
  // (log_prob sums over them). Raises KilnError if n exceeds the batch dims.
  Value to_event(int64_t n) const;
  // MaskedDistribution(self, m): log_prob multiplied by the bool mask m
  // (broadcast with the batch shape), as Pyro's .mask(m).
  Value mask(const at::Tensor& m) const;

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
  // .stddev .batch_shape .event_shape .support .has_rsample
  // .has_enumerate_support .is_discrete and the parameters; methods
  // .sample(shape=()) .rsample(shape=()) .log_prob(x) .expand(shape)
  // .entropy() .cdf(x) .icdf(q) .enumerate_support(expand=True)
  // .to_event(n=None: all batch dims) .mask(m).
  std::string type_name() const override { return std::string(name()); }
  std::string to_string() const override;
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;

 protected:
  // log p(value) for a value already checked (if validating) and of the
  // distribution's floating dtype; broadcasting is left to the formula.
  virtual at::Tensor log_prob_impl(const at::Tensor& value) const = 0;
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

// Wrappers made by to_event and mask; defined in independent.cpp and
// masked.cpp. `base` must hold a Distribution.
Value make_independent(const Value& base, int64_t reinterpreted_dims);
Value make_masked(const Value& base, const at::Tensor& mask);

}  // namespace kiln::rt
