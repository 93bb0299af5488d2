#include "inference/empirical.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

std::vector<int64_t> event_of(const at::Tensor& values) {
  return values.sizes().slice(1).vec();
}

}  // namespace

Empirical::Empirical(at::Tensor values, at::Tensor log_weights)
    : Distribution({}, event_of(values), values.scalar_type()),
      values_(std::move(values)),
      log_weights_(std::move(log_weights)) {
  if (values_.dim() < 1 || values_.size(0) == 0)
    raise("Empirical(): needs at least one draw, got values of shape " +
          shape_to_string(values_.sizes().vec()));
  if (log_weights_.dim() != 1 || log_weights_.size(0) != values_.size(0))
    raise("Empirical(): log_weights must have shape (" + std::to_string(values_.size(0)) +
          ",), got " + shape_to_string(log_weights_.sizes().vec()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Empirical::params() const {
  return {{"values", values_}, {"log_weights", log_weights_}};
}

Value Empirical::support() const {
  return independent(constraint_of(ConstraintKind::kReal), static_cast<int64_t>(event_shape().size()));
}

at::Tensor Empirical::normalized_weights() const {
  return (log_weights_ - at::logsumexp(log_weights_, {0})).exp();
}

at::Tensor Empirical::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  int64_t n = 1;
  for (int64_t s : sample_shape) n *= s;
  const at::Tensor idx = at::multinomial(normalized_weights().to(at::kDouble), n, /*replacement=*/true,
                                         global_generator());
  std::vector<int64_t> shape = sample_shape.vec();
  for (int64_t e : event_shape()) shape.push_back(e);
  return values_.index_select(0, idx).reshape(shape);
}

at::Tensor Empirical::mean() const {
  at::Tensor w = normalized_weights().to(values_.scalar_type());
  for (size_t i = 0; i < event_shape().size(); ++i) w = w.unsqueeze(-1);
  return (w * values_).sum(0);
}

at::Tensor Empirical::variance() const {
  at::Tensor w = normalized_weights().to(values_.scalar_type());
  for (size_t i = 0; i < event_shape().size(); ++i) w = w.unsqueeze(-1);
  return (w * (values_ - mean()).pow(2)).sum(0);
}

at::Tensor Empirical::quantiles(const std::vector<double>& qs) const {
  if (!event_shape().empty())
    raise("Empirical.quantiles(): only for scalar draws, these have event shape " +
          shape_to_string(event_shape()));
  const auto [sorted, order] = values_.to(at::kDouble).sort();
  const at::Tensor cdf = normalized_weights().to(at::kDouble).index_select(0, order).cumsum(0);
  std::vector<double> out;
  for (double q : qs) {
    if (!(q >= 0 && q <= 1)) raise("Empirical.quantiles(): quantiles must be in [0, 1], got " + to_repr(Value(q)));
    // The smallest draw whose cumulative weight reaches q.
    int64_t i = at::searchsorted(cdf, at::scalar_tensor(q, at::kDouble)).item<int64_t>();
    i = std::min<int64_t>(i, sorted.size(0) - 1);
    out.push_back(sorted[i].item<double>());
  }
  return at::tensor(out, at::kDouble).to(values_.scalar_type());
}

at::Tensor Empirical::log_prob_impl(const at::Tensor& value) const {
  // log of the total weight of the draws equal to value (-inf if none).
  const int64_t event_dims = static_cast<int64_t>(event_shape().size());
  at::Tensor equal = values_ == value.unsqueeze(-1 - event_dims).movedim(-1 - event_dims, 0);
  for (int64_t i = 0; i < event_dims; ++i) equal = equal.all(-1);
  at::Tensor lw = log_weights_ - at::logsumexp(log_weights_, {0});
  for (int64_t i = 1; i < equal.dim(); ++i) lw = lw.unsqueeze(-1);
  return at::logsumexp(at::where(equal, lw, at::full({}, -INFINITY, lw.options())), {0});
}

Value Empirical::expand_impl(at::IntArrayRef batch_shape) const {
  raise("Empirical cannot be expanded to batch shape " + shape_to_string(batch_shape.vec()));
}

Value Empirical::get_attr(std::string_view attr) const {
  if (attr == "quantiles")
    return make_value(new BoundMethodObject(Value(const_cast<Empirical*>(this)), "quantiles"));
  if (attr == "log_weights") return make_tensor(log_weights_);
  if (attr == "values") return make_tensor(values_);
  return Distribution::get_attr(attr);
}

Value Empirical::call_method(std::string_view method, const CallArgs& args) {
  if (method == "quantiles") {
    return torch_guard("Empirical.quantiles", [&]() -> Value {
      check_args(args, 1, 1, "probs");
      const Value& q = required_arg(args, 0, "probs");
      std::vector<double> qs;
      if (q.is(ObjKind::kList) || q.is(ObjKind::kTuple)) {
        const auto& items = q.is(ObjKind::kList) ? q.as<ListObject>()->items : q.as<TupleObject>()->items;
        for (const Value& v : items) qs.push_back(float_arg(v, "Empirical.quantiles", "probs"));
      } else {
        const at::Tensor t = to_tensor(q, "Empirical.quantiles").to(at::kDouble).reshape({-1});
        for (int64_t i = 0; i < t.numel(); ++i) qs.push_back(t[i].item<double>());
      }
      return make_tensor(quantiles(qs));
    });
  }
  return Distribution::call_method(method, args);
}

}  // namespace kiln::rt
