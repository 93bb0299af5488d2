// Constraints: the set of values a distribution's samples (its support) or a
// param may take, as torch.distributions.constraints. One class with a kind
// and, for the parametrized kinds, bound tensors, so biject_to, the param
// store's file format and printing can switch on the kind.
//
//   constraints.positive            check(x) = x > 0
//   constraints.interval(0.0, 2.0)  check(x) = 0 <= x <= 2
//   constraints.simplex             event_dim 1: x >= 0 and sums to 1 along the last dim
//   constraints.independent(constraints.real, 1)   reinterprets one batch dim as event
//
// check(x) returns a bool tensor of x's shape with the constraint's event
// dims reduced (all must hold), so it lines up with log_prob's shape.
// Constraints are immutable: the parameter-free ones are process-wide
// immortal singletons, shared freely between threads.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <string_view>

#include "runtime/value.h"

namespace kiln::rt {

enum class ConstraintKind : uint8_t {
  kReal,                // any real number that is not NaN
  kPositive,            // x > 0
  kNonnegative,         // x >= 0
  kGreaterThan,         // x > lower
  kGreaterThanEq,       // x >= lower
  kLessThan,            // x < upper
  kInterval,            // lower <= x <= upper
  kHalfOpenInterval,    // lower <= x < upper
  kUnitInterval,        // 0 <= x <= 1
  kSimplex,             // event_dim 1: x >= 0, sum(x) = 1 (to 1e-6)
  kLowerCholesky,       // event_dim 2: lower triangular, positive diagonal
  kCorrCholesky,        // event_dim 2: lower Cholesky factor with unit-norm rows
  kPositiveDefinite,    // event_dim 2: symmetric, positive definite
  kBoolean,             // x in {0, 1}
  kIntegerInterval,     // integer, lower <= x <= upper
  kNonnegativeInteger,  // integer, x >= 0
  kPositiveInteger,     // integer, x >= 1
  kOneHot,              // event_dim 1: 0/1 entries with exactly one 1
  kMultinomial,         // event_dim 1: nonnegative integers summing to at most upper
  kIndependent,         // base() with reinterpreted_dims() more event dims
};

class Constraint final : public Object {
 public:
  // Prefer the factories below; `lower`/`upper` are used by the bounded
  // kinds only.
  Constraint(ConstraintKind kind, at::Tensor lower, at::Tensor upper);
  Constraint(Value base, int64_t reinterpreted_dims);  // kIndependent

  ConstraintKind kind() const { return kind_; }
  const at::Tensor& lower() const { return lower_; }
  const at::Tensor& upper() const { return upper_; }
  // kIndependent only.
  const Constraint& base() const;
  const Value& base_value() const { return base_; }
  int64_t reinterpreted_dims() const { return reinterpreted_dims_; }

  // Dims of one event: 0 for scalar constraints, 1 for simplex, one_hot and
  // multinomial, 2 for the matrix ones, plus reinterpreted_dims.
  int64_t event_dim() const;
  // Integer-valued or boolean (no bijection to the reals exists).
  bool is_discrete() const;

  // Elementwise membership with the event dims reduced; bool, shape
  // value.shape[:value.dim() - event_dim()] (broadcast with the bounds). The
  // value is not converted: integer kinds accept floats holding whole
  // numbers, and bounds compare with values of any dtype after the usual
  // type promotion. Raises KilnError if value has fewer than event_dim() dims.
  at::Tensor check(const at::Tensor& value) const;
  // The answer of check() for a scalar float value (single_stored_value.h)
  // of a real, positive, nonnegative or unit-interval constraint, read
  // without LibTorch operations (validation's common case); nullopt for
  // anything else.
  std::optional<bool> check_single_element(const at::Tensor& value) const;

  // The name a user writes, without the "constraints." prefix:
  // "positive", "interval(0.0, 2.0)", "independent(real, 1)". Bounds that
  // are not single numbers print as their shape.
  std::string name() const;
  // The requirement in words, read after the name in error messages
  // ("value is outside the support (positive: x > 0), got -1.0"): "x > 0",
  // "0.0 <= x <= 2.0", "nonnegative entries summing to 1 along the last dim".
  std::string requirement() const;

  // Object: type "constraint", printed "constraints.positive"; attributes
  // .event_dim .is_discrete .lower_bound .upper_bound (where the kind has
  // them) .base_constraint .reinterpreted_batch_ndims (independent); method
  // .check(x).
  std::string type_name() const override { return "constraint"; }
  std::string to_string() const override { return "constraints." + name(); }
  Value get_attr(std::string_view attr) const override;
  void append_members(std::vector<Value>& out) const override { out.push_back(base_); }
  Value call_method(std::string_view method, const CallArgs& args) override;

 private:
  ConstraintKind kind_;
  at::Tensor lower_, upper_;
  Value base_;
  int64_t reinterpreted_dims_ = 0;
};

// The constraint held by v, or null.
const Constraint* as_constraint(const Value& v);

// The immortal singleton of a parameter-free kind (an InternalError for a
// bounded kind or kIndependent).
const Value& constraint_of(ConstraintKind kind);
// Bounded kinds. Bounds are tensors (0-dim for numbers); they broadcast
// against the checked value.
Value greater_than(at::Tensor lower);
Value greater_than_eq(at::Tensor lower);
Value less_than(at::Tensor upper);
Value interval(at::Tensor lower, at::Tensor upper);
Value half_open_interval(at::Tensor lower, at::Tensor upper);
Value integer_interval(at::Tensor lower, at::Tensor upper);
Value multinomial_constraint(at::Tensor total_count);
// independent(base, n): base with its n rightmost batch dims as event dims;
// n == 0 returns base.
Value independent(const Value& base, int64_t reinterpreted_dims);

// The language's `constraints` namespace object (constraints.positive,
// constraints.interval(lo, hi), ...).
Value constraints_namespace();

}  // namespace kiln::rt
