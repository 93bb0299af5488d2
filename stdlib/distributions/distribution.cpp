#include "stdlib/distributions/distribution.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <atomic>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

std::atomic<bool> g_validation{true};
// -1: follow g_validation; 0 or 1: this thread's ValidationOverride.
thread_local int t_validation_override = -1;

Value shape_value(const std::vector<int64_t>& shape) {
  std::vector<Value> dims(shape.begin(), shape.end());
  return make_tuple(std::move(dims));
}

// Shapes broadcast (from the right) when each pair of sizes is equal or 1.
bool broadcastable(at::IntArrayRef a, at::IntArrayRef b) {
  for (size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}

std::vector<int64_t> sample_shape_arg(const CallArgs& args) {
  check_args(args, 0, 1, "sample_shape");
  const Value* s = optional_arg(args, 0, "sample_shape");
  if (s == nullptr) return {};
  std::vector<int64_t> shape = int_list_arg(*s, args.callee, "sample_shape");
  for (int64_t d : shape)
    if (d < 0) raise_arg_error(args.callee, "sample_shape sizes must be non-negative");
  return shape;
}

}  // namespace

bool validation_enabled() {
  return t_validation_override >= 0 ? t_validation_override != 0 : g_validation.load(std::memory_order_relaxed);
}
void set_validation_enabled(bool on) { g_validation.store(on, std::memory_order_relaxed); }

ValidationOverride::ValidationOverride(bool on) : previous_(t_validation_override) {
  t_validation_override = on ? 1 : 0;
}
ValidationOverride::~ValidationOverride() { t_validation_override = previous_; }

Distribution::Distribution(std::vector<int64_t> batch_shape, std::vector<int64_t> event_shape,
                           c10::ScalarType dtype)
    : Object(ObjKind::kNative),
      batch_shape_(std::move(batch_shape)),
      event_shape_(std::move(event_shape)),
      dtype_(dtype) {}

at::Tensor Distribution::param(std::string_view name) const {
  for (auto& [n, t] : params())
    if (n == name) return t;
  return at::Tensor();
}

at::Tensor Distribution::sample(at::IntArrayRef sample_shape) const {
  KILN_ASSERT(has_rsample(), std::string(name()) + " must override sample()");
  at::NoGradGuard no_grad;
  return rsample(sample_shape);
}

at::Tensor Distribution::rsample(at::IntArrayRef) const {
  raise(std::string(name()) + " does not support reparameterized sampling (rsample)",
        "use sample(); inference uses score-function gradients for such sites");
}

at::Tensor Distribution::log_prob(const at::Tensor& value) const {
  const at::Tensor v = at::isFloatingType(value.scalar_type()) ? value : value.to(dtype_);
  if (validation_enabled()) check_value(value, std::string(name()) + ".log_prob");
  return log_prob_impl(v);
}

void Distribution::check_value(const at::Tensor& value, std::string_view who) const {
  const int64_t event_dims = static_cast<int64_t>(event_shape_.size());
  std::vector<int64_t> expected = batch_shape_;
  expected.insert(expected.end(), event_shape_.begin(), event_shape_.end());
  bool event_ok = value.dim() >= event_dims;
  for (int64_t i = 1; event_ok && i <= event_dims; ++i) {
    const int64_t got = value.size(-i), want = event_shape_[event_dims - i];
    event_ok = got == want || got == 1 || want == 1;
  }
  if (!event_ok)
    raise_arg_error(who, "value of shape " + shape_to_string(value.sizes().vec()) +
                             " does not end in the event shape " + shape_to_string(event_shape_));
  if (!broadcastable(value.sizes(), expected))
    raise_arg_error(
        who, "value of shape " + shape_to_string(value.sizes().vec()) +
                 " does not broadcast with the batch shape " + shape_to_string(batch_shape_) +
                 (event_dims ? " and event shape " + shape_to_string(event_shape_) : ""));
  const Value support_value = support();
  const Constraint& c = *as_constraint(support_value);
  if (c.check_single_element(value).value_or(false)) return;
  const at::Tensor ok = c.check(value);
  if (!(ok.numel() == 1 ? ok.item<bool>() : ok.all().item<bool>())) {
    // Point at the offending element of the value itself, not of the
    // event-reduced check (bounds may broadcast the check to a larger shape).
    at::Tensor element_ok = ok;
    for (int64_t i = 0; i < c.event_dim(); ++i) element_ok = element_ok.unsqueeze(-1);
    const std::vector<int64_t> shape = at::infer_size(value.sizes(), element_ok.sizes());
    raise_arg_error(who, "value is outside the support (" + c.name() + ": " + c.requirement() +
                             "), " +
                             describe_violation("value", value.expand(shape), element_ok.expand(shape)));
  }
}

bool Distribution::is_discrete() const { return as_constraint(support())->is_discrete(); }

at::Tensor Distribution::cdf(const at::Tensor&) const { raise(std::string(name()) + " has no cdf"); }
at::Tensor Distribution::icdf(const at::Tensor&) const {
  raise(std::string(name()) + " has no icdf");
}
at::Tensor Distribution::enumerate_support(bool) const {
  raise(std::string(name()) + " has no enumerate_support",
        "supports are enumerated for Bernoulli, Binomial, Categorical and OneHotCategorical (and their "
        "Independent or masked versions); check has_enumerate_support first");
}

Value Distribution::to_event(int64_t n) const {
  if (n < 0 || n > static_cast<int64_t>(batch_shape_.size()))
    raise(std::string(name()) + ".to_event(" + std::to_string(n) + "): the batch shape " +
              shape_to_string(batch_shape_) + " has only " + std::to_string(batch_shape_.size()) +
              " dims",
          "to_event(n) turns the n rightmost batch dims into event dims");
  if (n == 0) return Value(const_cast<Distribution*>(this));
  return make_independent(Value(const_cast<Distribution*>(this)), n);
}

Value Distribution::mask(const at::Tensor& m) const {
  return make_masked(Value(const_cast<Distribution*>(this)), m);
}

at::Tensor Distribution::mean() const { raise(std::string(name()) + " has no mean"); }
at::Tensor Distribution::variance() const { raise(std::string(name()) + " has no variance"); }
at::Tensor Distribution::entropy() const { raise(std::string(name()) + " has no entropy"); }
at::Tensor Distribution::stddev() const { return variance().sqrt(); }

Value Distribution::expand(at::IntArrayRef batch_shape) const {
  if (batch_shape == at::IntArrayRef(batch_shape_)) return Value(const_cast<Distribution*>(this));
  bool ok = batch_shape.size() >= batch_shape_.size();
  for (size_t i = 1; ok && i <= batch_shape_.size(); ++i) {
    const int64_t have = batch_shape_[batch_shape_.size() - i];
    ok = have == 1 || have == batch_shape[batch_shape.size() - i];
  }
  if (!ok)
    raise(std::string(name()) + ".expand(): cannot expand batch shape " +
          shape_to_string(batch_shape_) + " to " + shape_to_string(batch_shape.vec()));
  return expand_impl(batch_shape);
}

std::vector<int64_t> Distribution::extended_shape(at::IntArrayRef sample_shape) const {
  std::vector<int64_t> shape = sample_shape.vec();
  shape.insert(shape.end(), batch_shape_.begin(), batch_shape_.end());
  shape.insert(shape.end(), event_shape_.begin(), event_shape_.end());
  return shape;
}

std::string Distribution::to_string() const {
  std::string out = std::string(name()) + "(";
  bool first = true;
  for (const auto& [n, t] : params()) {
    if (!first) out += ", ";
    first = false;
    out += std::string(n) + ": ";
    out += t.numel() == 1 ? print_scalar(t.detach().reshape({}))
                          : "shape " + shape_to_string(t.sizes().vec());
  }
  return out + ")";
}

Value Distribution::get_attr(std::string_view attr) const {
  return torch_guard(name(), [&]() -> Value {
    if (attr == "mean") return make_tensor(mean());
    if (attr == "variance") return make_tensor(variance());
    if (attr == "stddev") return make_tensor(stddev());
    if (attr == "batch_shape") return shape_value(batch_shape_);
    if (attr == "event_shape") return shape_value(event_shape_);
    if (attr == "support") return support();
    if (attr == "has_rsample") return Value(has_rsample());
    if (attr == "has_enumerate_support") return Value(has_enumerate_support());
    if (attr == "is_discrete") return Value(is_discrete());
    if (attr == "sample" || attr == "rsample" || attr == "log_prob" || attr == "expand" ||
        attr == "entropy" || attr == "cdf" || attr == "icdf" || attr == "enumerate_support" ||
        attr == "to_event" || attr == "mask")
      return make_value(
          new BoundMethodObject(Value(const_cast<Distribution*>(this)), std::string(attr)));
    const at::Tensor p = param(attr);
    if (p.defined()) return make_tensor(p);
    raise("'" + std::string(name()) + "' object has no attribute '" + std::string(attr) + "'");
  });
}

Value Distribution::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = std::string(name()) + "." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  return torch_guard(who, [&]() -> Value {
    if (method == "sample") return make_tensor(sample(sample_shape_arg(named)));
    if (method == "rsample") return make_tensor(rsample(sample_shape_arg(named)));
    if (method == "log_prob") {
      check_args(named, 1, 1, "value");
      return make_tensor(log_prob(to_tensor(required_arg(named, 0, "value"), who)));
    }
    if (method == "expand") {
      check_args(named, 1, -1, "");
      return expand(shape_args(named, 0, who));
    }
    if (method == "entropy") {
      check_args(named, 0, 0, "");
      return make_tensor(entropy());
    }
    if (method == "cdf" || method == "icdf") {
      check_args(named, 1, 1, "value");
      const at::Tensor x = to_tensor(required_arg(named, 0, "value"), who);
      const at::Tensor xf = at::isFloatingType(x.scalar_type()) ? x : x.to(dtype_);
      return make_tensor(method == "cdf" ? cdf(xf) : icdf(xf));
    }
    if (method == "enumerate_support") {
      check_args(named, 0, 1, "expand");
      const Value* e = optional_arg(named, 0, "expand");
      return make_tensor(enumerate_support(e == nullptr || bool_arg(*e, who, "expand")));
    }
    if (method == "to_event") {
      check_args(named, 0, 1, "reinterpreted_batch_ndims");
      const Value* n = optional_arg(named, 0, "reinterpreted_batch_ndims");
      return to_event(n == nullptr || n->is_none()
                          ? static_cast<int64_t>(batch_shape_.size())
                          : int_arg(*n, who, "reinterpreted_batch_ndims"));
    }
    if (method == "mask") {
      check_args(named, 1, 1, "mask");
      const Value& m = required_arg(named, 0, "mask");
      if (m.is_bool()) return mask(at::scalar_tensor(m.as_bool(), at::kBool));
      const at::Tensor t = to_tensor(m, who);
      if (t.scalar_type() != at::kBool)
        raise_arg_error(who, "mask must be a bool tensor or bool, got a tensor of " +
                                 std::string(c10::toString(t.scalar_type())));
      return mask(t);
    }
    raise("'" + std::string(name()) + "' object has no attribute '" + std::string(method) + "'");
  });
}

const Distribution* as_distribution(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<const Distribution*>(v.obj());
}

}  // namespace kiln::rt
