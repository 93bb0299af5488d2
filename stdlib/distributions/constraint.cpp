#include "stdlib/distributions/constraint.h"

#include <ATen/ATen.h>

#include <array>
#include <cmath>

#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/single_stored_value.h"
#include "stdlib/distributions/float_limits.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

// torch.distributions' tolerance for a simplex's sum: loose enough for a
// float32 softmax or stick-breaking output of a few thousand entries.
constexpr double kSimplexSumTolerance = 1e-6;
// Rows of a correlation Cholesky factor must have unit length within 1e-6,
// or within torch's 10 * eps * D when that is larger (float32 rows of many
// entries accumulate rounding in the norm).
constexpr double kUnitNormTolerance = 1e-6;
constexpr double kUnitNormEpsilons = 10.0;
// Symmetry of a positive definite matrix as torch.isclose's defaults:
// |a - b| <= atol + rtol * |b|, so large float32 entries of L L^T pass.
constexpr double kSymmetryAbsTolerance = 1e-6;
constexpr double kSymmetryRelTolerance = 1e-5;

constexpr size_t kKindCount = static_cast<size_t>(ConstraintKind::kIndependent) + 1;

const char* kind_name(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kReal: return "real";
    case ConstraintKind::kPositive: return "positive";
    case ConstraintKind::kNonnegative: return "nonnegative";
    case ConstraintKind::kGreaterThan: return "greater_than";
    case ConstraintKind::kGreaterThanEq: return "greater_than_eq";
    case ConstraintKind::kLessThan: return "less_than";
    case ConstraintKind::kInterval: return "interval";
    case ConstraintKind::kHalfOpenInterval: return "half_open_interval";
    case ConstraintKind::kUnitInterval: return "unit_interval";
    case ConstraintKind::kSimplex: return "simplex";
    case ConstraintKind::kLowerCholesky: return "lower_cholesky";
    case ConstraintKind::kCorrCholesky: return "corr_cholesky";
    case ConstraintKind::kPositiveDefinite: return "positive_definite";
    case ConstraintKind::kBoolean: return "boolean";
    case ConstraintKind::kIntegerInterval: return "integer_interval";
    case ConstraintKind::kNonnegativeInteger: return "nonnegative_integer";
    case ConstraintKind::kPositiveInteger: return "positive_integer";
    case ConstraintKind::kOneHot: return "one_hot";
    case ConstraintKind::kMultinomial: return "multinomial";
    case ConstraintKind::kIndependent: return "independent";
  }
  return "?";
}

bool has_parameters(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kGreaterThan:
    case ConstraintKind::kGreaterThanEq:
    case ConstraintKind::kLessThan:
    case ConstraintKind::kInterval:
    case ConstraintKind::kHalfOpenInterval:
    case ConstraintKind::kIntegerInterval:
    case ConstraintKind::kMultinomial:
    case ConstraintKind::kIndependent: return true;
    default: return false;
  }
}

bool is_integer_kind(ConstraintKind kind) {
  return kind == ConstraintKind::kIntegerInterval || kind == ConstraintKind::kMultinomial;
}

// A bound as a user would write it: "2.0", "5" for integer kinds, or
// "tensor of shape (3,)" when it is not a single number.
std::string bound_text(const at::Tensor& bound, bool integral) {
  if (bound.numel() != 1) return "tensor of shape " + shape_to_string(bound.sizes().vec());
  const at::Tensor scalar = bound.detach().reshape({});
  const double d = scalar.to(at::kDouble).item<double>();
  // Whole numbers below 2^53 print exactly as integers.
  constexpr double kExactIntegerLimit = 9007199254740992.0;
  if (integral && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < kExactIntegerLimit)
    return std::to_string(static_cast<int64_t>(d));
  return print_scalar(scalar);
}

// A bound inside a requirement: its value, or its name when it is a tensor.
std::string bound_in_words(const at::Tensor& bound, bool integral, const char* name) {
  return bound.numel() == 1 ? bound_text(bound, integral) : name;
}

// All of the n rightmost dims hold.
at::Tensor all_rightmost(const at::Tensor& ok, int64_t n) {
  if (n == 0) return ok;
  return ok.flatten(ok.dim() - n).all(-1);
}

at::Tensor is_whole(const at::Tensor& x) {
  if (!at::isFloatingType(x.scalar_type())) return at::ones_like(x, x.options().dtype(at::kBool));
  return x == x.floor();
}

at::Tensor as_floating(const at::Tensor& x) {
  return at::isFloatingType(x.scalar_type()) ? x : x.to(at::kDouble);
}

at::Tensor lower_cholesky_check(const at::Tensor& x) {
  const at::Tensor lower_triangular = all_rightmost(x.tril() == x, 2);
  const at::Tensor positive_diagonal = all_rightmost(x.diagonal(0, -2, -1) > 0, 1);
  return lower_triangular & positive_diagonal;
}

at::Tensor corr_cholesky_check(const at::Tensor& x) {
  const at::Tensor xf = as_floating(x);
  const double eps = machine_epsilon(xf.scalar_type());
  const double tolerance =
      std::max(kUnitNormTolerance, kUnitNormEpsilons * eps * static_cast<double>(x.size(-1)));
  const at::Tensor row_norm = at::linalg_vector_norm(xf, 2, {-1});
  const at::Tensor unit_rows = all_rightmost((row_norm - 1).abs() <= tolerance, 1);
  return lower_cholesky_check(x) & unit_rows;
}

at::Tensor positive_definite_check(const at::Tensor& x) {
  if (x.size(-1) != x.size(-2))
    return at::zeros(x.sizes().slice(0, x.dim() - 2), x.options().dtype(at::kBool));
  const at::Tensor xf = as_floating(x);
  const at::Tensor xt = xf.transpose(-2, -1);
  const at::Tensor symmetric =
      all_rightmost((xf - xt).abs() <= kSymmetryAbsTolerance + kSymmetryRelTolerance * xt.abs(), 2);
  // cholesky_ex reports failure in `info` instead of throwing.
  const at::Tensor info = std::get<1>(at::linalg_cholesky_ex(xf));
  return symmetric & (info == 0);
}

}  // namespace

Constraint::Constraint(ConstraintKind kind, at::Tensor lower, at::Tensor upper)
    : Object(ObjKind::kNative), kind_(kind), lower_(std::move(lower)), upper_(std::move(upper)) {
  KILN_ASSERT(kind != ConstraintKind::kIndependent, "Constraint: independent needs a base");
}

Constraint::Constraint(Value base, int64_t reinterpreted_dims)
    : Object(ObjKind::kNative),
      kind_(ConstraintKind::kIndependent),
      base_(std::move(base)),
      reinterpreted_dims_(reinterpreted_dims) {
  KILN_ASSERT(as_constraint(base_) != nullptr, "Constraint: independent base is not a constraint");
  KILN_ASSERT(reinterpreted_dims_ >= 0, "Constraint: negative reinterpreted dims");
}

const Constraint& Constraint::base() const {
  KILN_ASSERT(kind_ == ConstraintKind::kIndependent, "Constraint::base of a non-independent kind");
  return *as_constraint(base_);
}

int64_t Constraint::event_dim() const {
  switch (kind_) {
    case ConstraintKind::kSimplex:
    case ConstraintKind::kOneHot:
    case ConstraintKind::kMultinomial: return 1;
    case ConstraintKind::kLowerCholesky:
    case ConstraintKind::kCorrCholesky:
    case ConstraintKind::kPositiveDefinite: return 2;
    case ConstraintKind::kIndependent: return base().event_dim() + reinterpreted_dims_;
    default: return 0;
  }
}

bool Constraint::is_discrete() const {
  switch (kind_) {
    case ConstraintKind::kBoolean:
    case ConstraintKind::kIntegerInterval:
    case ConstraintKind::kNonnegativeInteger:
    case ConstraintKind::kPositiveInteger:
    case ConstraintKind::kOneHot:
    case ConstraintKind::kMultinomial: return true;
    case ConstraintKind::kIndependent: return base().is_discrete();
    default: return false;
  }
}

std::optional<bool> Constraint::check_single_element(const at::Tensor& value) const {
  const std::optional<double> x = single_stored_value(value);
  if (!x) return std::nullopt;
  switch (kind_) {
    case ConstraintKind::kReal: return !std::isnan(*x);
    case ConstraintKind::kPositive: return *x > 0;
    case ConstraintKind::kNonnegative: return *x >= 0;
    case ConstraintKind::kUnitInterval: return *x >= 0 && *x <= 1;
    default: return std::nullopt;
  }
}

at::Tensor Constraint::check(const at::Tensor& value) const {
  // Membership is a yes/no question: no graph through the value.
  const at::Tensor x = value.detach();
  if (x.dim() < event_dim())
    raise("constraints." + name() + ".check(): a value of shape " +
          shape_to_string(x.sizes().vec()) + " has fewer than the " + std::to_string(event_dim()) +
          " event dims of the constraint");
  switch (kind_) {
    case ConstraintKind::kReal: return x == x;
    case ConstraintKind::kPositive: return x > 0;
    case ConstraintKind::kNonnegative: return x >= 0;
    case ConstraintKind::kGreaterThan: return x > lower_;
    case ConstraintKind::kGreaterThanEq: return x >= lower_;
    case ConstraintKind::kLessThan: return x < upper_;
    case ConstraintKind::kInterval: return (x >= lower_) & (x <= upper_);
    case ConstraintKind::kHalfOpenInterval: return (x >= lower_) & (x < upper_);
    case ConstraintKind::kUnitInterval: return (x >= 0) & (x <= 1);
    case ConstraintKind::kSimplex:
      return all_rightmost(x >= 0, 1) & ((x.sum(-1) - 1).abs() < kSimplexSumTolerance);
    case ConstraintKind::kLowerCholesky: return lower_cholesky_check(x);
    case ConstraintKind::kCorrCholesky: return corr_cholesky_check(x);
    case ConstraintKind::kPositiveDefinite: return positive_definite_check(x);
    case ConstraintKind::kBoolean: return (x == 0) | (x == 1);
    case ConstraintKind::kIntegerInterval: return is_whole(x) & (x >= lower_) & (x <= upper_);
    case ConstraintKind::kNonnegativeInteger: return is_whole(x) & (x >= 0);
    case ConstraintKind::kPositiveInteger: return is_whole(x) & (x >= 1);
    case ConstraintKind::kOneHot: return all_rightmost((x == 0) | (x == 1), 1) & (x.sum(-1) == 1);
    case ConstraintKind::kMultinomial:
      return all_rightmost(is_whole(x) & (x >= 0), 1) & (x.sum(-1) <= upper_);
    case ConstraintKind::kIndependent: return all_rightmost(base().check(x), reinterpreted_dims_);
  }
  throw InternalError("Constraint::check: unknown kind");
}

std::string Constraint::name() const {
  const bool integral = is_integer_kind(kind_);
  const std::string kind = kind_name(kind_);
  switch (kind_) {
    case ConstraintKind::kGreaterThan:
    case ConstraintKind::kGreaterThanEq: return kind + "(" + bound_text(lower_, integral) + ")";
    case ConstraintKind::kLessThan:
    case ConstraintKind::kMultinomial: return kind + "(" + bound_text(upper_, integral) + ")";
    case ConstraintKind::kInterval:
    case ConstraintKind::kHalfOpenInterval:
    case ConstraintKind::kIntegerInterval:
      return kind + "(" + bound_text(lower_, integral) + ", " + bound_text(upper_, integral) + ")";
    case ConstraintKind::kIndependent:
      return kind + "(" + base().name() + ", " + std::to_string(reinterpreted_dims_) + ")";
    default: return kind;
  }
}

std::string Constraint::requirement() const {
  const bool integral = is_integer_kind(kind_);
  const std::string lo = lower_.defined() ? bound_in_words(lower_, integral, "lower_bound") : "";
  const std::string hi = upper_.defined() ? bound_in_words(upper_, integral, "upper_bound") : "";
  switch (kind_) {
    case ConstraintKind::kReal: return "x is not nan";
    case ConstraintKind::kPositive: return "x > 0";
    case ConstraintKind::kNonnegative: return "x >= 0";
    case ConstraintKind::kGreaterThan: return "x > " + lo;
    case ConstraintKind::kGreaterThanEq: return "x >= " + lo;
    case ConstraintKind::kLessThan: return "x < " + hi;
    case ConstraintKind::kInterval: return lo + " <= x <= " + hi;
    case ConstraintKind::kHalfOpenInterval: return lo + " <= x < " + hi;
    case ConstraintKind::kUnitInterval: return "0 <= x <= 1";
    case ConstraintKind::kSimplex: return "nonnegative entries summing to 1 along the last dim";
    case ConstraintKind::kLowerCholesky: return "lower triangular with a positive diagonal";
    case ConstraintKind::kCorrCholesky:
      return "lower triangular with a positive diagonal and rows of unit length";
    case ConstraintKind::kPositiveDefinite: return "symmetric and positive definite";
    case ConstraintKind::kBoolean: return "x is 0 or 1";
    case ConstraintKind::kIntegerInterval: return "x is an integer with " + lo + " <= x <= " + hi;
    case ConstraintKind::kNonnegativeInteger: return "x is an integer >= 0";
    case ConstraintKind::kPositiveInteger: return "x is an integer >= 1";
    case ConstraintKind::kOneHot: return "0/1 entries with exactly one 1 along the last dim";
    case ConstraintKind::kMultinomial:
      return "nonnegative integers summing to at most " + hi + " along the last dim";
    case ConstraintKind::kIndependent: return base().requirement() + " everywhere in the event";
  }
  return "";
}

Value Constraint::get_attr(std::string_view attr) const {
  const Value self(const_cast<Constraint*>(this));
  if (attr == "event_dim") return Value(event_dim());
  if (attr == "is_discrete") return Value(is_discrete());
  if (attr == "check") return make_value(new BoundMethodObject(self, "check"));
  if (attr == "lower_bound") {
    if (lower_.defined()) return make_tensor(lower_);
    switch (kind_) {
      case ConstraintKind::kPositive:
      case ConstraintKind::kNonnegative:
      case ConstraintKind::kUnitInterval: return Value(0.0);
      case ConstraintKind::kNonnegativeInteger: return Value(0);
      case ConstraintKind::kPositiveInteger: return Value(1);
      default: break;
    }
  }
  if (attr == "upper_bound") {
    if (upper_.defined()) return make_tensor(upper_);
    if (kind_ == ConstraintKind::kUnitInterval) return Value(1.0);
  }
  if (kind_ == ConstraintKind::kIndependent) {
    if (attr == "base_constraint") return base_;
    if (attr == "reinterpreted_batch_ndims") return Value(reinterpreted_dims_);
  }
  raise(to_string() + " has no attribute '" + std::string(attr) + "'");
}

Value Constraint::call_method(std::string_view method, const CallArgs& args) {
  const std::string who = to_string() + "." + std::string(method);
  CallArgs named = args;
  named.callee = who;
  return torch_guard(who, [&]() -> Value {
    if (method == "check") {
      check_args(named, 1, 1, "value");
      return make_tensor(check(to_tensor(required_arg(named, 0, "value"), who)));
    }
    raise(to_string() + " has no method '" + std::string(method) + "'");
  });
}

const Constraint* as_constraint(const Value& v) {
  if (!v.is(ObjKind::kNative)) return nullptr;
  return dynamic_cast<const Constraint*>(v.obj());
}

const Value& constraint_of(ConstraintKind kind) {
  // Built once, thread-safely (a function-local static), and immortal so
  // every thread may hand them around without touching reference counts.
  static const std::array<Value, kKindCount> singletons = [] {
    std::array<Value, kKindCount> out;
    for (size_t i = 0; i < kKindCount; ++i) {
      const auto kind = static_cast<ConstraintKind>(i);
      if (has_parameters(kind)) continue;
      out[i] = make_value(new Constraint(kind, at::Tensor(), at::Tensor()));
      make_immortal(out[i]);
    }
    return out;
  }();
  KILN_ASSERT(!has_parameters(kind), std::string("constraint_of: ") + kind_name(kind) +
                                         " has parameters; use its factory");
  return singletons[static_cast<size_t>(kind)];
}

Value greater_than(at::Tensor lower) {
  return make_value(new Constraint(ConstraintKind::kGreaterThan, std::move(lower), at::Tensor()));
}

Value greater_than_eq(at::Tensor lower) {
  return make_value(new Constraint(ConstraintKind::kGreaterThanEq, std::move(lower), at::Tensor()));
}

Value less_than(at::Tensor upper) {
  return make_value(new Constraint(ConstraintKind::kLessThan, at::Tensor(), std::move(upper)));
}

Value interval(at::Tensor lower, at::Tensor upper) {
  return make_value(new Constraint(ConstraintKind::kInterval, std::move(lower), std::move(upper)));
}

Value half_open_interval(at::Tensor lower, at::Tensor upper) {
  return make_value(
      new Constraint(ConstraintKind::kHalfOpenInterval, std::move(lower), std::move(upper)));
}

Value integer_interval(at::Tensor lower, at::Tensor upper) {
  return make_value(
      new Constraint(ConstraintKind::kIntegerInterval, std::move(lower), std::move(upper)));
}

Value multinomial_constraint(at::Tensor total_count) {
  return make_value(
      new Constraint(ConstraintKind::kMultinomial, at::Tensor(), std::move(total_count)));
}

Value independent(const Value& base, int64_t reinterpreted_dims) {
  const Constraint* b = as_constraint(base);
  KILN_ASSERT(b != nullptr, "independent: base is not a constraint");
  KILN_ASSERT(reinterpreted_dims >= 0, "independent: negative reinterpreted dims");
  if (reinterpreted_dims == 0) return base;
  // Nested reinterpretations add up, so biject_to and printing see one level.
  if (b->kind() == ConstraintKind::kIndependent)
    return independent(b->base_value(), b->reinterpreted_dims() + reinterpreted_dims);
  return make_value(new Constraint(base, reinterpreted_dims));
}

}  // namespace kiln::rt
