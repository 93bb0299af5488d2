// Constraints: every kind's check on values inside and outside its set
// (with batch shapes and event dims reduced), names and requirements, the
// object as .ppl code sees it, and the `constraints` namespace.
#include <ATen/ATen.h>

#include <cmath>
#include <string>

#include "runtime_test_util.h"
#include "stdlib/distributions/constraint.h"

namespace kiln::rt::testing {
namespace {

const Constraint& C(const Value& v) { return *as_constraint(v); }
const Constraint& kind(ConstraintKind k) { return C(constraint_of(k)); }

// "TFT" for a bool tensor, flattened row by row: easy to read in a failure.
std::string pattern(const at::Tensor& ok) {
  std::string out;
  const at::Tensor flat = ok.reshape({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) out += flat[i].item<bool>() ? 'T' : 'F';
  return out;
}

at::Tensor f64(std::initializer_list<double> v) { return at::tensor(std::vector<double>(v)); }
at::Tensor f32(double x) { return at::scalar_tensor(x, at::kFloat); }
std::vector<int64_t> shape_of(const at::Tensor& t) { return t.sizes().vec(); }

Value ns() { return constraints_namespace(); }
Value ns_call(std::string_view fn, std::initializer_list<Value> args) {
  return call_method_of(ns(), fn, args);
}

TEST(Constraints, RealRejectsOnlyNan) {
  EXPECT_EQ(pattern(kind(ConstraintKind::kReal).check(f64({-1e300, 0.0, NAN, INFINITY}))), "TTFT");
  EXPECT_EQ(pattern(kind(ConstraintKind::kReal).check(at::arange(3))), "TTT");
}

TEST(Constraints, ScalarBoundsIncludeOrExcludeTheirEdges) {
  const at::Tensor x = f64({-1.0, 0.0, 0.5, 1.0, 2.0});
  EXPECT_EQ(pattern(kind(ConstraintKind::kPositive).check(x)), "FFTTT");
  EXPECT_EQ(pattern(kind(ConstraintKind::kNonnegative).check(x)), "FTTTT");
  EXPECT_EQ(pattern(kind(ConstraintKind::kUnitInterval).check(x)), "FTTTF");
  EXPECT_EQ(pattern(C(greater_than(f32(0.5))).check(x)), "FFFTT");
  EXPECT_EQ(pattern(C(greater_than_eq(f32(0.5))).check(x)), "FFTTT");
  EXPECT_EQ(pattern(C(less_than(f32(1.0))).check(x)), "TTTFF");
  EXPECT_EQ(pattern(C(interval(f32(0.0), f32(1.0))).check(x)), "FTTTF");
  EXPECT_EQ(pattern(C(half_open_interval(f32(0.0), f32(1.0))).check(x)), "FTTFF");
  EXPECT_EQ(pattern(kind(ConstraintKind::kPositive).check(f64({NAN}))), "F");
}

TEST(Constraints, BoundsBroadcastAgainstBatchedValues) {
  const Value c = interval(f64({0.0, 1.0, 2.0}), f32(2.5));
  const at::Tensor x = f64({0.5, 0.5, 0.5, 2.0, 2.0, 3.0}).reshape({2, 3});
  const at::Tensor ok = C(c).check(x);
  EXPECT_EQ(shape_of(ok), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(pattern(ok), "TFFTTF");
}

TEST(Constraints, ValuesOfAnyDtypeCompareAfterPromotion) {
  const Value c = interval(f32(0.0), f32(2.0));
  EXPECT_EQ(pattern(C(c).check(at::tensor({-1, 0, 2, 3}))), "FTTF");
  EXPECT_EQ(pattern(C(c).check(f64({1.999999999, 2.000000001}))), "TF");
  EXPECT_EQ(pattern(C(c).check(at::tensor({0.5f}).to(at::kHalf))), "T");
}

TEST(Constraints, SimplexReducesTheLastDim) {
  const at::Tensor x =
      f64({0.2, 0.3, 0.5, 0.5, 0.6, -0.1, 0.5, 0.5, 1e-3, 0.25, 0.25, 0.5 + 5e-7}).reshape({4, 3});
  const at::Tensor ok = kind(ConstraintKind::kSimplex).check(x);
  EXPECT_EQ(shape_of(ok), std::vector<int64_t>({4}));
  EXPECT_EQ(pattern(ok), "TFFT");
  EXPECT_EQ(kind(ConstraintKind::kSimplex).event_dim(), 1);
}

TEST(Constraints, LowerCholeskyNeedsLowerTriangleAndPositiveDiagonal) {
  const at::Tensor good = f64({2.0, 0.0, -3.0, 0.5});
  const at::Tensor upper = f64({2.0, 0.1, -3.0, 0.5});
  const at::Tensor zero_diagonal = f64({2.0, 0.0, -3.0, 0.0});
  const at::Tensor x = at::stack({good, upper, zero_diagonal}).reshape({3, 2, 2});
  const at::Tensor ok = kind(ConstraintKind::kLowerCholesky).check(x);
  EXPECT_EQ(shape_of(ok), std::vector<int64_t>({3}));
  EXPECT_EQ(pattern(ok), "TFF");
}

TEST(Constraints, CorrCholeskyNeedsUnitRows) {
  const double s = std::sqrt(0.5);
  const at::Tensor unit = f64({1.0, 0.0, s, s}).reshape({2, 2});
  const at::Tensor long_row = f64({1.0, 0.0, 0.8, 0.8}).reshape({2, 2});
  const at::Tensor negative = f64({1.0, 0.0, s, -s}).reshape({2, 2});
  EXPECT_EQ(
      pattern(kind(ConstraintKind::kCorrCholesky).check(at::stack({unit, long_row, negative}))),
      "TFF");
  EXPECT_EQ(pattern(kind(ConstraintKind::kCorrCholesky).check(at::eye(4, at::kFloat))), "T");
}

TEST(Constraints, PositiveDefiniteNeedsSymmetryAndPositiveEigenvalues) {
  const at::Tensor pd = f64({2.0, 1.0, 1.0, 2.0}).reshape({2, 2});
  const at::Tensor indefinite = f64({1.0, 2.0, 2.0, 1.0}).reshape({2, 2});
  const at::Tensor asymmetric = f64({2.0, 1.0, 0.0, 2.0}).reshape({2, 2});
  const Constraint& c = kind(ConstraintKind::kPositiveDefinite);
  EXPECT_EQ(pattern(c.check(at::stack({pd, indefinite, asymmetric}))), "TFF");
  EXPECT_EQ(pattern(c.check(at::ones({2, 3}))), "F");
  EXPECT_EQ(shape_of(c.check(at::ones({4, 2, 3}))), std::vector<int64_t>({4}));
  EXPECT_EQ(pattern(c.check(at::eye(3, at::kLong))), "T");
}

TEST(Constraints, IntegerKindsAcceptWholeFloatsAndIntegers) {
  const at::Tensor x = f64({-1.0, 0.0, 1.0, 2.5, 5.0, 6.0});
  EXPECT_EQ(pattern(kind(ConstraintKind::kBoolean).check(x)), "FTTFFF");
  EXPECT_EQ(pattern(kind(ConstraintKind::kNonnegativeInteger).check(x)), "FTTFTT");
  EXPECT_EQ(pattern(kind(ConstraintKind::kPositiveInteger).check(x)), "FFTFTT");
  EXPECT_EQ(pattern(C(integer_interval(f32(0), f32(5))).check(x)), "FTTFTF");
  EXPECT_EQ(pattern(C(integer_interval(f32(0), f32(5))).check(at::tensor({0, 5, 6}))), "TTF");
  EXPECT_EQ(pattern(kind(ConstraintKind::kBoolean).check(bools({1, 0}))), "TT");
}

TEST(Constraints, OneHotAndMultinomialReduceTheLastDim) {
  const at::Tensor hot = f64({0, 1, 0, 1, 1, 0, 0, 0, 0, 0.5, 0.5, 0}).reshape({4, 3});
  EXPECT_EQ(pattern(kind(ConstraintKind::kOneHot).check(hot)), "TFFF");
  const at::Tensor counts = f64({1, 2, 1, 3, 2, 0, 1.5, 1, 0, -1, 3, 0}).reshape({4, 3});
  EXPECT_EQ(pattern(C(multinomial_constraint(f32(4))).check(counts)), "TFFF");
  EXPECT_EQ(C(multinomial_constraint(f32(4))).event_dim(), 1);
}

TEST(Constraints, IndependentReducesReinterpretedDims) {
  const Value c = independent(constraint_of(ConstraintKind::kPositive), 1);
  const at::Tensor ok = C(c).check(f64({1, 2, 1, -1, 3, 4}).reshape({3, 2}));
  EXPECT_EQ(shape_of(ok), std::vector<int64_t>({3}));
  EXPECT_EQ(pattern(ok), "TFT");
  EXPECT_EQ(C(c).event_dim(), 1);
  const Value simplices = independent(constraint_of(ConstraintKind::kSimplex), 1);
  EXPECT_EQ(C(simplices).event_dim(), 2);
  EXPECT_EQ(shape_of(C(simplices).check(at::full({5, 2, 3}, 1.0 / 3, at::kDouble))),
            std::vector<int64_t>({5}));
  const Value nested = independent(c, 2);
  EXPECT_EQ(C(nested).name(), "independent(positive, 3)");
  EXPECT_TRUE(independent(c, 0).identical(c));
}

TEST(Constraints, TooFewDimsForTheEventIsAnError) {
  EXPECT_EQ(error_of([] { kind(ConstraintKind::kSimplex).check(f64({1.0}).reshape({})); }),
            "constraints.simplex.check(): a value of shape () has fewer than the 1 event dims of "
            "the constraint");
}

TEST(Constraints, NamesAndRequirementsReadAsWritten) {
  EXPECT_EQ(kind(ConstraintKind::kPositive).name(), "positive");
  EXPECT_EQ(kind(ConstraintKind::kPositive).requirement(), "x > 0");
  EXPECT_EQ(kind(ConstraintKind::kReal).requirement(), "x is not nan");
  EXPECT_EQ(C(interval(f32(0.0), f32(2.0))).name(), "interval(0.0, 2.0)");
  EXPECT_EQ(C(interval(f32(0.0), f32(2.0))).requirement(), "0.0 <= x <= 2.0");
  EXPECT_EQ(C(half_open_interval(f32(0.0), f32(0.1))).requirement(), "0.0 <= x < 0.1");
  EXPECT_EQ(C(greater_than(f64({1.0, 2.0}))).name(), "greater_than(tensor of shape (2,))");
  EXPECT_EQ(C(greater_than(f64({1.0, 2.0}))).requirement(), "x > lower_bound");
  EXPECT_EQ(C(integer_interval(f32(0), f32(5))).name(), "integer_interval(0, 5)");
  EXPECT_EQ(C(integer_interval(f32(0), f32(5))).requirement(), "x is an integer with 0 <= x <= 5");
  EXPECT_EQ(C(multinomial_constraint(f32(10))).requirement(),
            "nonnegative integers summing to at most 10 along the last dim");
  EXPECT_EQ(kind(ConstraintKind::kSimplex).requirement(),
            "nonnegative entries summing to 1 along the last dim");
  EXPECT_EQ(C(independent(constraint_of(ConstraintKind::kReal), 1)).name(), "independent(real, 1)");
  EXPECT_EQ(to_str(constraint_of(ConstraintKind::kLowerCholesky)), "constraints.lower_cholesky");
}

TEST(Constraints, EventDimsAndDiscreteness) {
  struct Expect {
    ConstraintKind kind;
    int64_t event_dim;
    bool discrete;
  };
  for (const Expect& e :
       {Expect{ConstraintKind::kReal, 0, false}, Expect{ConstraintKind::kUnitInterval, 0, false},
        Expect{ConstraintKind::kSimplex, 1, false},
        Expect{ConstraintKind::kLowerCholesky, 2, false},
        Expect{ConstraintKind::kCorrCholesky, 2, false},
        Expect{ConstraintKind::kPositiveDefinite, 2, false},
        Expect{ConstraintKind::kBoolean, 0, true},
        Expect{ConstraintKind::kNonnegativeInteger, 0, true},
        Expect{ConstraintKind::kPositiveInteger, 0, true},
        Expect{ConstraintKind::kOneHot, 1, true}}) {
    EXPECT_EQ(kind(e.kind).event_dim(), e.event_dim) << kind(e.kind).name();
    EXPECT_EQ(kind(e.kind).is_discrete(), e.discrete) << kind(e.kind).name();
  }
  EXPECT_TRUE(C(integer_interval(f32(0), f32(1))).is_discrete());
  EXPECT_TRUE(C(independent(constraint_of(ConstraintKind::kBoolean), 1)).is_discrete());
}

TEST(Constraints, SingletonsAreImmortalAndShared) {
  const Value& a = constraint_of(ConstraintKind::kPositive);
  EXPECT_TRUE(a.obj()->immortal());
  EXPECT_TRUE(a.identical(constraint_of(ConstraintKind::kPositive)));
  EXPECT_TRUE(a.identical(get_attr(ns(), "positive")));
  EXPECT_THROW(constraint_of(ConstraintKind::kInterval), InternalError);
}

TEST(Constraints, ObjectAttributesAndCheckMethod) {
  const Value c = ns_call("interval", {Value(0.0), Value(2.0)});
  EXPECT_EQ(to_str(c), "constraints.interval(0.0, 2.0)");
  EXPECT_EQ(to_str(get_attr(c, "event_dim")), "0");
  EXPECT_EQ(to_str(get_attr(c, "is_discrete")), "False");
  EXPECT_EQ(T(get_attr(c, "upper_bound")).item<double>(), 2.0);
  EXPECT_EQ(T(get_attr(c, "lower_bound")).scalar_type(), at::kFloat);
  EXPECT_EQ(to_str(get_attr(get_attr(ns(), "positive"), "lower_bound")), "0.0");
  const Value ok = call_method_of(c, "check", {tensor_value(f64({-1.0, 1.0}))});
  EXPECT_EQ(pattern(T(ok)), "FT");
  EXPECT_EQ(pattern(T(call_method_of(c, "check", {Value(3)}))), "F");
  EXPECT_EQ(error_of([&] { get_attr(get_attr(ns(), "simplex"), "lower_bound"); }),
            "constraints.simplex has no attribute 'lower_bound'");
  const Value vec = get_attr(ns(), "real_vector");
  EXPECT_EQ(to_str(vec), "constraints.independent(real, 1)");
  EXPECT_EQ(to_str(get_attr(vec, "base_constraint")), "constraints.real");
  EXPECT_EQ(to_str(get_attr(vec, "reinterpreted_batch_ndims")), "1");
}

TEST(Constraints, NamespaceFunctionsFollowTheParameterDtypeConvention) {
  const Value c = ns_call("greater_than", {Value(1)});
  EXPECT_EQ(C(c).lower().scalar_type(), at::kFloat);
  EXPECT_EQ(C(c).lower().dim(), 0);
  const Value d = ns_call("interval", {Value(0.0), tensor_value(at::ones({3}, at::kDouble))});
  EXPECT_EQ(C(d).lower().scalar_type(), at::kDouble);
  EXPECT_EQ(C(d).lower().dim(), 0);
  EXPECT_EQ(C(d).name(), "interval(0.0, tensor of shape (3,))");
  EXPECT_EQ(C(ns_call("multinomial", {Value(5)})).name(), "multinomial(5)");
  EXPECT_EQ(C(ns_call("integer_interval", {Value(0), Value(3)})).name(), "integer_interval(0, 3)");
  const Value ind = ns_call("independent", {get_attr(ns(), "positive"), Value(2)});
  EXPECT_EQ(C(ind).name(), "independent(positive, 2)");
  EXPECT_EQ(to_str(get_attr(ns(), "interval")), "<builtin constraints.interval>");
}

TEST(Constraints, NamespaceErrorsNameTheArgument) {
  EXPECT_EQ(error_of([] {
              ns_call("interval", {Value(2.0), Value(1.0)});
            }),
            "constraints.interval(): lower_bound must not exceed upper_bound, got 2.0 and 1.0");
  EXPECT_EQ(error_of([] {
              ns_call("interval", {make_str("a"), Value(1.0)});
            }),
            "constraints.interval(): argument 'lower_bound' must be a number or a tensor, got str");
  EXPECT_EQ(error_of([] { ns_call("greater_than", {}); }),
            "constraints.greater_than() takes 1 positional argument but 0 were given");
  EXPECT_EQ(error_of([] {
              ns_call("independent", {Value(1.0), Value(1)});
            }),
            "constraints.independent(): argument 'base_constraint' must be a constraint (e.g. "
            "constraints.real), got float");
  EXPECT_EQ(error_of([] {
              ns_call("independent", {get_attr(ns(), "real"), Value(-1)});
            }),
            "constraints.independent(): reinterpreted_batch_ndims must be non-negative, got -1");
}

TEST(Constraints, UnknownNamesSuggestTheClosest) {
  try {
    get_attr(ns(), "postive");
    FAIL() << "expected a KilnError";
  } catch (const KilnError& e) {
    EXPECT_STREQ(e.what(), "constraints has no constraint 'postive'");
    EXPECT_EQ(e.hint(), "did you mean 'positive'?");
  }
  EXPECT_EQ(error_of([] {
              ns_call("intervall", {Value(0.0), Value(1.0)});
            }),
            "constraints has no constraint 'intervall'");
}

}  // namespace
}  // namespace kiln::rt::testing
