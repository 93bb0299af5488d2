#include "stdlib/distributions/transformed_distribution.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <algorithm>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/torch_errors.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "TransformedDistribution";

const Transform& transform_of(const Value& v) {
  const Transform* t = as_transform(v);
  KILN_ASSERT(t != nullptr, "TransformedDistribution: a part is not a transform");
  return *t;
}

// x summed over its n rightmost dims (n <= 0: x itself).
at::Tensor sum_rightmost(const at::Tensor& x, int64_t n) {
  if (n <= 0) return x;
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= n; ++i) dims.push_back(-i);
  return x.sum(dims);
}

std::vector<int64_t> concat(std::vector<int64_t> a, const std::vector<int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Value builtin_transformed_distribution(const CallArgs& args) {
  check_args(args, 0, 2, "base_distribution,transforms");
  return TransformedDistribution::make(required_arg(args, 0, "base_distribution"),
                                       required_arg(args, 1, "transforms"));
}

}  // namespace

struct TransformedDistribution::Prepared {
  Value base;
  std::vector<Value> transforms;
  std::vector<int64_t> batch_shape, event_shape;
  c10::ScalarType dtype;
};

// As torch: the composed transform decides how many dims it acts on; the
// base is expanded if mapping its shape forward and back grows it, and
// becomes Independent if the transforms consume whole events larger than
// its own.
TransformedDistribution::Prepared TransformedDistribution::prepare(const Value& base,
                                                                   std::vector<Value> transforms) {
  const Distribution& b = *as_distribution(base);
  const Value composed = transforms.size() == 1 ? transforms[0] : compose_transform(transforms);
  const Transform& t = transform_of(composed);
  const std::vector<int64_t> base_shape = concat(b.batch_shape(), b.event_shape());
  const int64_t base_event_dims = static_cast<int64_t>(b.event_shape().size());
  if (static_cast<int64_t>(base_shape.size()) < t.domain_event_dim())
    raise_arg_error(kName, "base_distribution must have at least " +
                               std::to_string(t.domain_event_dim()) +
                               " dims (batch and event) for the transforms, got shape " +
                               shape_to_string(base_shape));
  const std::vector<int64_t> forward = t.forward_shape(base_shape);
  const std::vector<int64_t> expanded = t.inverse_shape(forward);
  Value used = base;
  if (expanded != base_shape)
    used = b.expand(std::vector<int64_t>(expanded.begin(), expanded.end() - base_event_dims));
  const int64_t reinterpreted = t.domain_event_dim() - base_event_dims;
  if (reinterpreted > 0) used = make_independent(used, reinterpreted);

  const int64_t change = t.codomain_event_dim() - t.domain_event_dim();
  const int64_t event_dims = std::max(t.codomain_event_dim(), base_event_dims + change);
  KILN_ASSERT(static_cast<int64_t>(forward.size()) >= event_dims,
              "TransformedDistribution: transformed shape has fewer dims than its event");
  const auto cut = forward.end() - event_dims;
  return Prepared{used, std::move(transforms), std::vector<int64_t>(forward.begin(), cut),
                  std::vector<int64_t>(cut, forward.end()), b.dtype()};
}

TransformedDistribution::TransformedDistribution(const Value& base, std::vector<Value> transforms)
    : TransformedDistribution(prepare(base, std::move(transforms))) {}

TransformedDistribution::TransformedDistribution(Prepared p)
    : Distribution(std::move(p.batch_shape), std::move(p.event_shape), p.dtype),
      base_(std::move(p.base)),
      transforms_(std::move(p.transforms)) {}

Value TransformedDistribution::make(const Value& base_distribution, const Value& transforms) {
  if (as_distribution(base_distribution) == nullptr)
    raise_arg_type(kName, "base_distribution", "a distribution", base_distribution);
  constexpr std::string_view kExpected = "a transform or a list of transforms";
  std::vector<Value> parts;
  if (as_transform(transforms) != nullptr) {
    parts.push_back(transforms);
  } else if (transforms.is(ObjKind::kList) || transforms.is(ObjKind::kTuple)) {
    parts = transforms.is(ObjKind::kList) ? transforms.as<ListObject>()->items
                                          : transforms.as<TupleObject>()->items;
    for (const Value& part : parts)
      if (as_transform(part) == nullptr) raise_arg_type(kName, "transforms", kExpected, part);
  } else {
    raise_arg_type(kName, "transforms", kExpected, transforms);
  }
  return make_value(new TransformedDistribution(base_distribution, std::move(parts)));
}

Value TransformedDistribution::support() const {
  if (transforms_.empty()) return base().support();
  Value codomain = transform_of(transforms_.back()).codomain();
  const int64_t codomain_dims = as_constraint(codomain)->event_dim();
  const int64_t event_dims = static_cast<int64_t>(event_shape().size());
  if (event_dims > codomain_dims) codomain = independent(codomain, event_dims - codomain_dims);
  return codomain;
}

at::Tensor TransformedDistribution::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  at::Tensor x = base().sample(sample_shape);
  for (const Value& t : transforms_) x = transform_of(t).forward(x);
  return x;
}

at::Tensor TransformedDistribution::rsample(at::IntArrayRef sample_shape) const {
  at::Tensor x = base().rsample(sample_shape);
  for (const Value& t : transforms_) x = transform_of(t).forward(x);
  return x;
}

// From the last transform back: x_{i-1} = t_i^-1(x_i); the event dims of
// x_{i-1} follow from those of x_i by the transform's change of event
// dims, and its log|det J| is summed over the event dims it does not
// already reduce.
at::Tensor TransformedDistribution::log_prob_impl(const at::Tensor& value) const {
  int64_t event_dims = static_cast<int64_t>(event_shape().size());
  at::Tensor log_jacobians;
  at::Tensor y = value;
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it) {
    const Transform& t = transform_of(*it);
    const at::Tensor x = t.inverse(y);
    event_dims += t.domain_event_dim() - t.codomain_event_dim();
    const at::Tensor term =
        sum_rightmost(t.log_abs_det_jacobian(x, y), event_dims - t.domain_event_dim());
    log_jacobians = log_jacobians.defined() ? log_jacobians + term : term;
    y = x;
  }
  const int64_t base_event_dims = static_cast<int64_t>(base().event_shape().size());
  const at::Tensor base_lp = sum_rightmost(base().log_prob(y), event_dims - base_event_dims);
  return log_jacobians.defined() ? base_lp - log_jacobians : base_lp;
}

int TransformedDistribution::monotone_sign() const {
  int sign = 1;
  for (const Value& v : transforms_) {
    const Transform& t = transform_of(v);
    if (t.sign() == 0)
      raise("TransformedDistribution has no cdf: " + t.name() + " is not monotone");
    sign *= t.sign();
  }
  return sign;
}

at::Tensor TransformedDistribution::cdf(const at::Tensor& value) const {
  const int sign = monotone_sign();
  at::Tensor x = value;
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it)
    x = transform_of(*it).inverse(x);
  const at::Tensor c = base().cdf(x);
  return sign > 0 ? c : 1 - c;
}

at::Tensor TransformedDistribution::icdf(const at::Tensor& q) const {
  const int sign = monotone_sign();
  at::Tensor x = base().icdf(sign > 0 ? q : 1 - q);
  for (const Value& t : transforms_) x = transform_of(t).forward(x);
  return x;
}

Value TransformedDistribution::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = concat(batch_shape.vec(), event_shape());
  for (auto it = transforms_.rbegin(); it != transforms_.rend(); ++it)
    shape = transform_of(*it).inverse_shape(shape);
  const size_t base_event_dims = base().event_shape().size();
  const std::vector<int64_t> base_batch(shape.begin(), shape.end() - base_event_dims);
  return make_value(new TransformedDistribution(
      Prepared{base().expand(base_batch), transforms_, batch_shape.vec(), event_shape(), dtype()}));
}

std::string TransformedDistribution::to_string() const {
  std::string parts;
  for (const Value& t : transforms_) parts += (parts.empty() ? "" : ", ") + transform_of(t).name();
  return "TransformedDistribution(" + base().to_string() + ", [" + parts + "])";
}

Value TransformedDistribution::get_attr(std::string_view attr) const {
  if (attr == "base_dist") return base_;
  if (attr == "transforms") return make_list(transforms_);
  return Distribution::get_attr(attr);
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_TransformedDistribution,
                   &guarded<&builtin_transformed_distribution>);
}

}  // namespace kiln::rt
