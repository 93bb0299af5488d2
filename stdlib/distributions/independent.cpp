#include "stdlib/distributions/independent.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "Independent";

const Distribution& checked_base(const Value& base, int64_t reinterpreted_dims) {
  const Distribution* d = as_distribution(base);
  KILN_ASSERT(d != nullptr, "Independent: base is not a distribution");
  KILN_ASSERT(reinterpreted_dims >= 0 &&
                  reinterpreted_dims <= static_cast<int64_t>(d->batch_shape().size()),
              "Independent: reinterpreted dims out of range");
  return *d;
}

// base batch_shape + event_shape, split so that the event has n more dims.
std::vector<int64_t> batch_part(const Value& base, int64_t n) {
  const std::vector<int64_t>& b = checked_base(base, n).batch_shape();
  return std::vector<int64_t>(b.begin(), b.end() - n);
}

std::vector<int64_t> event_part(const Value& base, int64_t n) {
  const Distribution& d = checked_base(base, n);
  std::vector<int64_t> e(d.batch_shape().end() - n, d.batch_shape().end());
  e.insert(e.end(), d.event_shape().begin(), d.event_shape().end());
  return e;
}

Value builtin_independent(const CallArgs& args) {
  check_args(args, 0, 2, "base_distribution,reinterpreted_batch_ndims");
  return Independent::make(required_arg(args, 0, "base_distribution"),
                           required_arg(args, 1, "reinterpreted_batch_ndims"));
}

}  // namespace

Independent::Independent(Value base, int64_t reinterpreted_dims)
    : Distribution(batch_part(base, reinterpreted_dims), event_part(base, reinterpreted_dims),
                   checked_base(base, reinterpreted_dims).dtype()),
      base_(std::move(base)),
      reinterpreted_dims_(reinterpreted_dims) {}

Value Independent::make(const Value& base, const Value& reinterpreted_batch_ndims) {
  const Distribution* d = as_distribution(base);
  if (d == nullptr) raise_arg_type(kName, "base_distribution", "a distribution", base);
  const int64_t n = int_arg(reinterpreted_batch_ndims, kName, "reinterpreted_batch_ndims");
  const int64_t batch_dims = static_cast<int64_t>(d->batch_shape().size());
  if (n < 0 || n > batch_dims)
    raise_arg_error(kName, "reinterpreted_batch_ndims must be between 0 and " +
                               std::to_string(batch_dims) + " (the batch dims of " +
                               std::string(d->name()) + " with batch shape " +
                               shape_to_string(d->batch_shape()) + "), got " + std::to_string(n));
  if (n == 0) return make_value(new Independent(base, 0));
  return make_independent(base, n);
}

Value Independent::support() const { return independent(base().support(), reinterpreted_dims_); }

at::Tensor Independent::sample(at::IntArrayRef sample_shape) const {
  return base().sample(sample_shape);
}

at::Tensor Independent::rsample(at::IntArrayRef sample_shape) const {
  return base().rsample(sample_shape);
}

at::Tensor Independent::sum_reinterpreted(const at::Tensor& x) const {
  if (reinterpreted_dims_ == 0) return x;
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= reinterpreted_dims_; ++i) dims.push_back(-i);
  return x.sum(dims);
}

at::Tensor Independent::entropy() const { return sum_reinterpreted(base().entropy()); }

bool Independent::has_enumerate_support() const {
  return reinterpreted_dims_ == 0 && base().has_enumerate_support();
}

at::Tensor Independent::enumerate_support(bool expand) const {
  if (reinterpreted_dims_ > 0)
    raise("Independent has no enumerate_support: enumerating the product of " +
              std::to_string(reinterpreted_dims_) + " reinterpreted batch dims is not supported",
          "enumerate the base distribution inside a plate instead of using to_event");
  return base().enumerate_support(expand);
}

at::Tensor Independent::log_prob_impl(const at::Tensor& value) const {
  return sum_reinterpreted(base().log_prob(value));
}

Value Independent::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> base_batch = batch_shape.vec();
  const std::vector<int64_t>& own = base().batch_shape();
  base_batch.insert(base_batch.end(), own.end() - reinterpreted_dims_, own.end());
  return make_value(new Independent(base().expand(base_batch), reinterpreted_dims_));
}

std::string Independent::to_string() const {
  return "Independent(" + base().to_string() + ", " + std::to_string(reinterpreted_dims_) + ")";
}

Value Independent::get_attr(std::string_view attr) const {
  if (attr == "base_dist") return base_;
  if (attr == "reinterpreted_batch_ndims") return Value(reinterpreted_dims_);
  return Distribution::get_attr(attr);
}

// Nested wrappers collapse: Independent(Independent(d, 1), 1) is
// Independent(d, 2), so KL divergences and printing see one wrapper.
Value make_independent(const Value& base, int64_t reinterpreted_dims) {
  if (const auto* inner = dynamic_cast<const Independent*>(as_distribution(base)))
    return make_value(
        new Independent(inner->base_value(), inner->reinterpreted_dims() + reinterpreted_dims));
  return make_value(new Independent(base, reinterpreted_dims));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_Independent, &guarded<&builtin_independent>);
}

}  // namespace kiln::rt
