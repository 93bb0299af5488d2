#include "stdlib/distributions/delta.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"

namespace kiln::rt {

namespace {

std::vector<int64_t> leading(const at::Tensor& v, int64_t event_dim) {
  KILN_ASSERT(event_dim >= 0 && event_dim <= v.dim(), "Delta: event_dim out of range");
  return v.sizes().slice(0, v.dim() - event_dim).vec();
}

std::vector<int64_t> trailing(const at::Tensor& v, int64_t event_dim) {
  return v.sizes().slice(v.dim() - event_dim).vec();
}

// Pyro's Delta has a floating value; an int or bool value is scored as float.
at::Tensor floating(at::Tensor v) {
  return at::isFloatingType(v.scalar_type()) ? v : v.to(at::kFloat);
}

}  // namespace

Delta::Delta(at::Tensor v, int64_t event_dim)
    : Distribution(leading(v, event_dim), trailing(v, event_dim), floating(v).scalar_type()),
      v_(floating(std::move(v))) {}

std::vector<std::pair<std::string_view, at::Tensor>> Delta::params() const { return {{"v", v_}}; }

at::Tensor Delta::rsample(at::IntArrayRef sample_shape) const {
  return v_.expand(extended_shape(sample_shape));
}

at::Tensor Delta::variance() const { return at::zeros_like(v_); }

at::Tensor Delta::log_prob_impl(const at::Tensor& value) const {
  at::Tensor lp = (value == v_).to(value.scalar_type()).log();
  const int64_t event_dims = static_cast<int64_t>(event_shape().size());
  if (event_dims == 0) return lp;
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= event_dims; ++i) dims.push_back(-i);
  return lp.sum(dims);
}

Value Delta::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = batch_shape.vec();
  const std::vector<int64_t>& ev = event_shape();
  shape.insert(shape.end(), ev.begin(), ev.end());
  return make_value(new Delta(v_.expand(shape), static_cast<int64_t>(ev.size())));
}

}  // namespace kiln::rt
