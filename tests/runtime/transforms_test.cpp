// Transforms: inverse(forward(x)) == x, forward lands in the codomain, and
// log|det J| agrees with the log-determinant of autograd's Jacobian of the
// map between free coordinates; biject_to for every constraint; the
// transforms as .ppl code sees them; gradients by finite differences.
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "gradcheck.h"
#include "runtime_test_util.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/random.h"
#include "stdlib/transforms/transform.h"

namespace kiln::rt::testing {
namespace {

// Round trips and log-determinants in float64 agree to rounding.
constexpr double kTolerance = 1e-9;

using Map = std::function<at::Tensor(const at::Tensor&)>;

const Transform& Tr(const Value& v) { return *as_transform(v); }
const Constraint& C(const Value& v) { return *as_constraint(v); }

at::Tensor f64(std::initializer_list<double> v) { return at::tensor(std::vector<double>(v)); }
at::Tensor randn(at::IntArrayRef shape, at::ScalarType dtype = at::kDouble) {
  return at::randn(shape, global_generator(), at::TensorOptions().dtype(dtype));
}
double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.detach() - b.detach()).abs().max().item<double>();
}

// The Jacobian of the flattened map, one autograd pass per output.
at::Tensor jacobian(const Map& f, const at::Tensor& at_point) {
  const at::Tensor x = at_point.detach().clone().requires_grad_(true);
  const at::Tensor y = f(x).reshape({-1});
  std::vector<at::Tensor> rows;
  for (int64_t i = 0; i < y.numel(); ++i) {
    const at::Tensor g = torch::autograd::grad({y[i]}, {x}, {}, /*retain_graph=*/true,
                                               /*create_graph=*/false, /*allow_unused=*/true)[0];
    rows.push_back(g.defined() ? g.reshape({-1}) : at::zeros({x.numel()}, x.options()));
  }
  return at::stack(rows);
}

double log_abs_det(const at::Tensor& square) {
  return std::get<1>(at::linalg_slogdet(square)).item<double>();
}

// Entries of a square matrix on and below diagonal `offset`, row by row,
// and back: the free coordinates of the matrix transforms.
at::Tensor lower_entries(const at::Tensor& m, int64_t offset) {
  const at::Tensor rc = at::tril_indices(m.size(-1), m.size(-1), offset, at::kLong);
  return m.index({rc[0], rc[1]});
}
at::Tensor from_lower_entries(const at::Tensor& v, int64_t d, int64_t offset) {
  const at::Tensor rc = at::tril_indices(d, d, offset, at::kLong);
  return at::zeros({d, d}, v.options()).index_put_({rc[0], rc[1]}, v);
}

// Checks the round trip, the codomain and the log-determinant of `free_map`
// (the transform between free coordinates, starting from free_in) against
// log_abs_det_jacobian at x.
void expect_bijection(const Transform& t, const at::Tensor& x, const Map& free_map,
                      const at::Tensor& free_in) {
  SCOPED_TRACE(t.name());
  const at::Tensor y = t.forward(x);
  EXPECT_LT(max_abs_diff(t.inverse(y), x), kTolerance);
  EXPECT_TRUE(C(t.codomain()).check(y).all().item<bool>()) << y;
  const at::Tensor ladj = t.log_abs_det_jacobian(x, y);
  EXPECT_EQ(ladj.dim(), x.dim() - t.domain_event_dim());
  EXPECT_NEAR(ladj.sum().item<double>(), log_abs_det(jacobian(free_map, free_in)), kTolerance);
}

// ---------------------------------------------------------------- elementwise

TEST(Transforms, ElementwiseInvertLandInCodomainAndMatchTheJacobian) {
  const at::Tensor x = at::linspace(-2.0, 2.0, 5, at::kDouble);
  const std::vector<std::pair<Value, at::Tensor>> cases = {
      {identity_transform(), x},
      {exp_transform(), x},
      {sigmoid_transform(), x},
      {softplus_transform(), x},
      {tanh_transform(), x},
      {power_transform(at::scalar_tensor(2.5, at::kDouble)), x.exp()},
      {power_transform(at::scalar_tensor(-0.5, at::kDouble)), x.exp()},
      {affine_transform(at::scalar_tensor(0.5, at::kDouble), f64({-2.0, 1.0, 3.0, 0.5, 4.0})), x},
  };
  for (const auto& [v, in] : cases) {
    const Transform& t = Tr(v);
    const Map forward = [&](const at::Tensor& u) { return t.forward(u); };
    expect_bijection(t, in, forward, in);
    // Elementwise: the per-element terms are the Jacobian's diagonal.
    const at::Tensor diagonal = jacobian(forward, in).diagonal().abs().log();
    EXPECT_LT(max_abs_diff(t.log_abs_det_jacobian(in, t.forward(in)), diagonal), kTolerance)
        << t.name();
  }
}

TEST(Transforms, ElementwiseSignsAndDomains) {
  EXPECT_EQ(Tr(exp_transform()).sign(), 1);
  EXPECT_EQ(Tr(power_transform(at::scalar_tensor(-0.5))).sign(), -1);
  EXPECT_EQ(Tr(affine_transform(at::scalar_tensor(0.0), at::scalar_tensor(-2.0))).sign(), -1);
  EXPECT_EQ(Tr(affine_transform(at::scalar_tensor(0.0), at::ones({2}))).sign(), 0);
  EXPECT_EQ(to_str(Tr(tanh_transform()).codomain()), "constraints.interval(-1.0, 1.0)");
  EXPECT_EQ(to_str(Tr(sigmoid_transform()).codomain()), "constraints.unit_interval");
  EXPECT_EQ(to_str(Tr(softplus_transform()).codomain()), "constraints.positive");
  EXPECT_EQ(to_str(Tr(power_transform(at::scalar_tensor(2.0))).domain()), "constraints.positive");
}

TEST(Transforms, ElementwiseStayFiniteInTheTails) {
  const Transform& softplus = Tr(softplus_transform());
  EXPECT_NEAR(softplus.inverse(f64({1e-10})).item<double>(), std::log(1e-10), 1e-9);
  EXPECT_NEAR(softplus.inverse(softplus.forward(f64({-30.0}))).item<double>(), -30.0, 1e-9);
  EXPECT_NEAR(softplus.inverse(f64({50.0})).item<double>(), 50.0, 1e-12);
  const Transform& tanh = Tr(tanh_transform());
  const at::Tensor tails = f64({-30.0, 30.0});
  const at::Tensor tanh_ladj = tanh.log_abs_det_jacobian(tails, tanh.forward(tails));
  EXPECT_LT(max_abs_diff(tanh_ladj, at::full({2}, 2 * std::log(2.0) - 60.0, at::kDouble)), 1e-9);
  const Transform& sigmoid = Tr(sigmoid_transform());
  const at::Tensor far = f64({-100.0, 100.0});
  EXPECT_LT(max_abs_diff(sigmoid.log_abs_det_jacobian(far, sigmoid.forward(far)),
                         at::full({2}, -100.0, at::kDouble)),
            1e-9);
  // float32 sigmoid(40) rounds to 1; the output stays inside so the inverse is finite.
  const at::Tensor y = sigmoid.forward(at::full({1}, 40.0f));
  EXPECT_LT(y.item<float>(), 1.0f);
  EXPECT_TRUE(sigmoid.inverse(y).isfinite().all().item<bool>());
}

TEST(Transforms, AffineSumsOverEventDimsAndBroadcastsShapes) {
  const at::Tensor x = randn({4, 3});
  const Value vector_value =
      affine_transform(at::zeros({3}, at::kDouble), f64({1.0, 2.0, -3.0}), /*event_dim=*/1);
  const Transform& vector_scale = Tr(vector_value);
  const at::Tensor ladj = vector_scale.log_abs_det_jacobian(x, vector_scale.forward(x));
  EXPECT_EQ(ladj.sizes().vec(), std::vector<int64_t>({4}));
  EXPECT_LT(max_abs_diff(ladj, at::full({4}, std::log(6.0), at::kDouble)), kTolerance);
  // A scalar scale counts once per element of the event.
  const Value scalar_value = affine_transform(at::scalar_tensor(0.0), at::scalar_tensor(2.0), 1);
  EXPECT_LT(max_abs_diff(Tr(scalar_value).log_abs_det_jacobian(x, x),
                         at::full({4}, 3 * std::log(2.0), at::kDouble)),
            kTolerance);
  EXPECT_EQ(to_str(vector_scale.domain()), "constraints.independent(real, 1)");
  EXPECT_EQ(vector_scale.domain_event_dim(), 1);
  EXPECT_EQ(Tr(affine_transform(at::zeros({3}), at::scalar_tensor(1.0))).forward_shape({}),
            std::vector<int64_t>({3}));
  EXPECT_EQ(error_of([] {
              Tr(affine_transform(at::zeros({3}), at::scalar_tensor(1.0))).forward_shape({4});
            }),
            "AffineTransform(loc: shape (3,), scale: 1.0): shape (4,) does not broadcast with its "
            "parameters of shape (3,)");
}

// ---------------------------------------------------------------- stick-breaking

TEST(Transforms, StickBreakingMapsZeroToTheUniformSimplex) {
  const Transform& t = Tr(stick_breaking_transform());
  EXPECT_LT(max_abs_diff(t.forward(at::zeros({3}, at::kDouble)), at::full({4}, 0.25)), 1e-15);
}

TEST(Transforms, StickBreakingMatchesTheJacobianOfTheFirstCoordinates) {
  seed_global_generator(11);
  const Transform& t = Tr(stick_breaking_transform());
  const at::Tensor x = randn({4});
  // y lives on a 4-dim face of R^5: its first 4 coordinates are free.
  expect_bijection(
      t, x, [&](const at::Tensor& u) { return t.forward(u).narrow(-1, 0, 4); }, x);
}

TEST(Transforms, StickBreakingBatchesAndShapes) {
  seed_global_generator(12);
  const Transform& t = Tr(stick_breaking_transform());
  const at::Tensor x = randn({2, 3, 4});
  const at::Tensor y = t.forward(x);
  EXPECT_EQ(y.sizes().vec(), std::vector<int64_t>({2, 3, 5}));
  const at::Tensor ladj = t.log_abs_det_jacobian(x, y);
  EXPECT_EQ(ladj.sizes().vec(), std::vector<int64_t>({2, 3}));
  EXPECT_NEAR(ladj[1][2].item<double>(), t.log_abs_det_jacobian(x[1][2], y[1][2]).item<double>(),
              kTolerance);
  EXPECT_EQ(t.forward_shape({2, 4}), std::vector<int64_t>({2, 5}));
  EXPECT_EQ(t.inverse_shape({2, 5}), std::vector<int64_t>({2, 4}));
  EXPECT_TRUE(t.log_abs_det_jacobian(f64({40.0, -40.0, 40.0}), f64({})).isfinite().item<bool>());
  EXPECT_EQ(error_of([&] { t.forward(at::scalar_tensor(1.0)); }),
            "StickBreakingTransform(): expected a tensor with at least 1 dim (a vector of K-1 "
            "unconstrained values), got shape ()");
}

// ---------------------------------------------------------------- matrices

TEST(Transforms, LowerCholeskyOnTheLowerTriangle) {
  seed_global_generator(13);
  const Transform& t = Tr(lower_cholesky_transform());
  const at::Tensor x = randn({3, 3}).tril();
  expect_bijection(
      t, x,
      [&](const at::Tensor& v) { return lower_entries(t.forward(from_lower_entries(v, 3, 0)), 0); },
      lower_entries(x, 0));
  // Entries above the diagonal are ignored.
  EXPECT_LT(max_abs_diff(t.forward(x + randn({3, 3}).triu(1)), t.forward(x)), 1e-15);
}

TEST(Transforms, CorrCholeskyOnTheStrictlyLowerEntries) {
  seed_global_generator(14);
  const Transform& t = Tr(corr_cholesky_transform());
  const at::Tensor x = randn({6});
  expect_bijection(
      t, x, [&](const at::Tensor& v) { return lower_entries(t.forward(v), -1); }, x);
  const at::Tensor y = t.forward(x);
  EXPECT_EQ(y.sizes().vec(), std::vector<int64_t>({4, 4}));
  // L L^T is a correlation matrix.
  EXPECT_LT(max_abs_diff(y.matmul(y.t()).diagonal(), at::ones({4}, at::kDouble)), 1e-12);
  EXPECT_EQ(t.forward_shape({2, 6}), std::vector<int64_t>({2, 4, 4}));
  EXPECT_EQ(t.inverse_shape({2, 4, 4}), std::vector<int64_t>({2, 6}));
  EXPECT_EQ(t.domain_event_dim(), 1);
  EXPECT_EQ(t.codomain_event_dim(), 2);
  const at::Tensor batch = randn({5, 3});
  EXPECT_EQ(t.log_abs_det_jacobian(batch, t.forward(batch)).sizes().vec(),
            std::vector<int64_t>({5}));
  EXPECT_EQ(
      error_of([&] { t.forward(at::zeros({4})); }),
      "CorrCholeskyTransform(): the last dim must hold D(D-1)/2 values for a D x D factor (0, "
      "1, 3, 6, 10, ...), got 4");
}

TEST(Transforms, PositiveDefiniteOnTheLowerTriangle) {
  seed_global_generator(15);
  const Transform& t = Tr(positive_definite_transform());
  const at::Tensor x = randn({3, 3}).tril() * 0.5;
  expect_bijection(
      t, x,
      [&](const at::Tensor& v) { return lower_entries(t.forward(from_lower_entries(v, 3, 0)), 0); },
      lower_entries(x, 0));
  EXPECT_EQ(error_of([&] {
              t.forward(at::zeros({2, 3}));
            }),
            "PositiveDefiniteTransform(): expected square matrices (unconstrained matrices), got "
            "shape (2, 3)");
}

// ---------------------------------------------------------------- built from others

TEST(Transforms, ComposeAppliesPartsInOrder) {
  const Value t = biject_to(
      interval(at::scalar_tensor(-1.0, at::kDouble), at::scalar_tensor(3.0, at::kDouble)));
  EXPECT_EQ(Tr(t).name(),
            "ComposeTransform(SigmoidTransform(), AffineTransform(loc: -1.0, scale: 4.0))");
  const at::Tensor x = at::linspace(-3.0, 3.0, 7, at::kDouble);
  expect_bijection(
      Tr(t), x, [&](const at::Tensor& u) { return Tr(t).forward(u); }, x);
  EXPECT_EQ(Tr(t).sign(), 1);
  EXPECT_TRUE(compose_transform({}).identical(identity_transform()));
  EXPECT_TRUE(compose_transform({exp_transform()}).identical(exp_transform()));
}

TEST(Transforms, ComposeCarriesEventDims) {
  seed_global_generator(16);
  const Value t = compose_transform(
      {stick_breaking_transform(),
       affine_transform(at::scalar_tensor(0.0, at::kDouble), at::scalar_tensor(2.0, at::kDouble))});
  EXPECT_EQ(Tr(t).domain_event_dim(), 1);
  EXPECT_EQ(Tr(t).codomain_event_dim(), 1);
  EXPECT_EQ(to_str(Tr(t).codomain()), "constraints.independent(real, 1)");
  const at::Tensor x = randn({2, 3});
  const at::Tensor y = Tr(t).forward(x);
  const at::Tensor ladj = Tr(t).log_abs_det_jacobian(x, y);
  const Transform& sb = Tr(stick_breaking_transform());
  // The affine part scales all 4 entries of each event.
  EXPECT_LT(max_abs_diff(ladj, sb.log_abs_det_jacobian(x, sb.forward(x)) + 4 * std::log(2.0)),
            kTolerance);
  EXPECT_EQ(Tr(t).forward_shape({2, 3}), std::vector<int64_t>({2, 4}));
}

TEST(Transforms, InverseSwapsEverything) {
  const Value inv = inverse_transform(exp_transform());
  EXPECT_EQ(Tr(inv).name(), "ExpTransform().inv");
  EXPECT_TRUE(inverse_transform(inv).identical(exp_transform()));
  const at::Tensor y = f64({0.5, 2.0});
  EXPECT_LT(max_abs_diff(Tr(inv).forward(y), y.log()), kTolerance);
  EXPECT_LT(max_abs_diff(Tr(inv).log_abs_det_jacobian(y, y.log()), -y.log()), kTolerance);
  EXPECT_EQ(to_str(Tr(inv).domain()), "constraints.positive");
  const Value sb_inv = inverse_transform(stick_breaking_transform());
  EXPECT_EQ(Tr(sb_inv).forward_shape({5}), std::vector<int64_t>({4}));
  const Value corr_inv = inverse_transform(corr_cholesky_transform());
  EXPECT_EQ(Tr(corr_inv).domain_event_dim(), 2);
  EXPECT_EQ(Tr(corr_inv).codomain_event_dim(), 1);
}

TEST(Transforms, IndependentSumsOverReinterpretedDims) {
  const Value t = independent_transform(exp_transform(), 1);
  EXPECT_EQ(Tr(t).name(), "IndependentTransform(ExpTransform(), 1)");
  const at::Tensor x = randn({2, 3});
  EXPECT_LT(max_abs_diff(Tr(t).log_abs_det_jacobian(x, x.exp()), x.sum(-1)), kTolerance);
  EXPECT_EQ(to_str(Tr(t).codomain()), "constraints.independent(positive, 1)");
  EXPECT_TRUE(independent_transform(exp_transform(), 0).identical(exp_transform()));
}

// ---------------------------------------------------------------- biject_to

TEST(BijectTo, LandsInEveryContinuousConstraint) {
  seed_global_generator(17);
  const auto d = [](double v) { return at::scalar_tensor(v, at::kDouble); };
  const std::vector<std::pair<Value, std::vector<int64_t>>> cases = {
      {constraint_of(ConstraintKind::kReal), {5}},
      {constraint_of(ConstraintKind::kPositive), {5}},
      {constraint_of(ConstraintKind::kNonnegative), {5}},
      {constraint_of(ConstraintKind::kUnitInterval), {5}},
      {greater_than(d(1.5)), {5}},
      {greater_than_eq(d(-1.5)), {5}},
      {less_than(d(-2.0)), {5}},
      {interval(d(-1.0), d(3.0)), {5}},
      {half_open_interval(d(0.0), d(1.0)), {5}},
      {constraint_of(ConstraintKind::kSimplex), {4, 3}},
      {constraint_of(ConstraintKind::kLowerCholesky), {2, 3, 3}},
      {constraint_of(ConstraintKind::kCorrCholesky), {2, 6}},
      {constraint_of(ConstraintKind::kPositiveDefinite), {2, 3, 3}},
      {independent(constraint_of(ConstraintKind::kPositive), 1), {4, 2}},
  };
  for (const at::ScalarType dtype : {at::kDouble, at::kFloat}) {
    for (const auto& [c, shape] : cases) {
      const Value bijection = biject_to(c);
      const Transform& t = Tr(bijection);
      const at::Tensor y = t.forward(randn(shape, dtype));
      const at::Tensor ok = C(c).check(y);
      EXPECT_TRUE(ok.all().item<bool>()) << C(c).name() << " " << c10::toString(dtype) << " " << y;
      EXPECT_EQ(ok.dim(), y.dim() - C(c).event_dim()) << C(c).name();
      EXPECT_EQ(y.sizes().vec(), t.forward_shape(shape)) << C(c).name();
      EXPECT_EQ(t.codomain_event_dim(), C(c).event_dim()) << C(c).name();
    }
  }
}

TEST(BijectTo, ParameterFreeConstraintsShareTheirTransform) {
  EXPECT_TRUE(biject_to(constraint_of(ConstraintKind::kPositive)).identical(exp_transform()));
  EXPECT_TRUE(biject_to(constraint_of(ConstraintKind::kSimplex)).obj()->immortal());
  EXPECT_EQ(to_str(biject_to(independent(constraint_of(ConstraintKind::kReal), 1))),
            "IndependentTransform(IdentityTransform(), 1)");
}

TEST(BijectTo, DiscreteConstraintsHaveNoBijection) {
  EXPECT_EQ(error_of([] { biject_to(constraint_of(ConstraintKind::kBoolean)); }),
            "constraints.boolean has no bijection to the reals: discrete values cannot be moved "
            "to an unconstrained space");
  for (const Value& c :
       {constraint_of(ConstraintKind::kNonnegativeInteger), constraint_of(ConstraintKind::kOneHot),
        integer_interval(at::scalar_tensor(0.0), at::scalar_tensor(3.0)),
        independent(constraint_of(ConstraintKind::kBoolean), 1)})
    EXPECT_NE(error_of([&] { biject_to(c); }).find("has no bijection to the reals"),
              std::string::npos)
        << C(c).name();
}

TEST(BijectTo, TheBuiltinChecksItsArgument) {
  const Value positive = get_attr(constraints_namespace(), "positive");
  EXPECT_EQ(to_str(call_builtin("biject_to", {positive})), "ExpTransform()");
  EXPECT_EQ(error_of([] { call_builtin("biject_to", {Value(1.0)}); }),
            "biject_to(): argument 'constraint' must be a constraint (e.g. constraints.positive), "
            "got float");
}

// ---------------------------------------------------------------- the language's view

Value tns() { return transforms_namespace(); }

TEST(TransformObjects, CalledAttributesAndMethods) {
  const Value t = get_attr(tns(), "exp");
  EXPECT_TRUE(t.identical(exp_transform()));
  ArgList args{Value(0)};
  EXPECT_EQ(to_str(call_value(t, args.view())), "tensor(1.)");
  EXPECT_EQ(to_str(get_attr(t, "inv")), "ExpTransform().inv");
  EXPECT_EQ(to_str(call_method_of(t, "inv", {Value(1.0)})), "tensor(0.)");
  EXPECT_EQ(to_str(get_attr(t, "domain")), "constraints.real");
  EXPECT_EQ(to_str(get_attr(t, "codomain")), "constraints.positive");
  EXPECT_EQ(to_str(get_attr(t, "sign")), "1");
  EXPECT_EQ(to_str(get_attr(t, "event_dim")), "0");
  const Value ladj = call_method_of(t, "log_abs_det_jacobian", {Value(2.0), Value(7.0)});
  EXPECT_EQ(to_str(ladj), "tensor(2.)");
  const Value sb = get_attr(tns(), "stick_breaking");
  EXPECT_EQ(to_str(call_method_of(sb, "forward_shape", {tuple_of({Value(2), Value(3)})})),
            "(2, 4)");
  EXPECT_EQ(to_str(get_attr(sb, "event_dim")), "1");
  EXPECT_EQ(error_of([] { get_attr(get_attr(tns(), "corr_cholesky"), "event_dim"); }),
            "CorrCholeskyTransform().event_dim is ambiguous: the domain has 1 event dims and the "
            "codomain 2");
  ArgList scalar{Value(1.0)};
  EXPECT_EQ(error_of([&] { call_value(sb, scalar.view()); }),
            "StickBreakingTransform(): expected a tensor with at least 1 dim (a vector of K-1 "
            "unconstrained values), got shape ()");
  EXPECT_EQ(error_of([] { get_attr(exp_transform(), "foo"); }),
            "'ExpTransform()' has no attribute 'foo'");
}

TEST(TransformObjects, NamespaceConstructors) {
  EXPECT_TRUE(call_method_of(tns(), "SigmoidTransform").identical(sigmoid_transform()));
  EXPECT_EQ(to_str(call_method_of(tns(), "AffineTransform", {Value(1.0), Value(2.0)})),
            "AffineTransform(loc: 1.0, scale: 2.0)");
  EXPECT_EQ(to_str(call_method_of(tns(), "AffineTransform", {Value(1.0), Value(2.0)},
                                  {{"event_dim", Value(1)}})),
            "AffineTransform(loc: 1.0, scale: 2.0, event_dim: 1)");
  EXPECT_EQ(to_str(call_method_of(tns(), "PowerTransform", {Value(2)})),
            "PowerTransform(exponent: 2.0)");
  const Value affine = call_method_of(tns(), "AffineTransform", {Value(1.0), Value(2.0)});
  EXPECT_EQ(to_str(call_method_of(tns(), "ComposeTransform",
                                  {list_of({get_attr(tns(), "exp"), affine})})),
            "ComposeTransform(ExpTransform(), AffineTransform(loc: 1.0, scale: 2.0))");
  EXPECT_EQ(
      to_str(call_method_of(tns(), "IndependentTransform", {get_attr(tns(), "exp"), Value(1)})),
      "IndependentTransform(ExpTransform(), 1)");
  EXPECT_EQ(error_of([] {
              call_method_of(tns(), "ComposeTransform", {list_of({exp_transform(), Value(1.0)})});
            }),
            "transforms.ComposeTransform(): parts[1] must be a transform, got float");
  EXPECT_EQ(error_of([] { call_method_of(tns(), "ExpTransform", {Value(1.0)}); }),
            "transforms.ExpTransform() takes 0 positional arguments but 1 was given");
  try {
    get_attr(tns(), "expp");
    FAIL() << "expected a KilnError";
  } catch (const KilnError& e) {
    EXPECT_STREQ(e.what(), "transforms has no transform 'expp'");
    EXPECT_EQ(e.hint(), "did you mean 'exp'?");
  }
}

// ---------------------------------------------------------------- gradients

TEST(TransformGradients, ForwardInverseAndLogDetMatchFiniteDifferences) {
  seed_global_generator(18);
  const at::Tensor v = randn({4});
  struct Case {
    Value transform;
    at::Tensor x;
    // Cholesky's backward assumes a symmetric input, so the inverse is
    // checked on (y + y^T) / 2, which finite differences then respect too.
    bool symmetric_y = false;
    // An affine map's log|det J| does not depend on x: nothing to differentiate.
    bool constant_log_det = false;
  };
  const std::vector<Case> cases = {
      {exp_transform(), v},
      {sigmoid_transform(), v},
      {softplus_transform(), v},
      {tanh_transform(), v},
      {power_transform(at::scalar_tensor(1.5, at::kDouble)), v.exp()},
      {affine_transform(at::scalar_tensor(0.5, at::kDouble), at::scalar_tensor(-2.0, at::kDouble)),
       v, false, true},
      {stick_breaking_transform(), v},
      {lower_cholesky_transform(), randn({3, 3})},
      {corr_cholesky_transform(), randn({6})},
      {positive_definite_transform(), randn({3, 3}) * 0.5, true},
  };
  for (const Case& c : cases) {
    const Transform& t = Tr(c.transform);
    SCOPED_TRACE(t.name());
    expect_gradient_matches([&](const at::Tensor& u) { return t.forward(u); }, c.x);
    if (!c.constant_log_det)
      expect_gradient_matches(
          [&](const at::Tensor& u) { return t.log_abs_det_jacobian(u, t.forward(u)); }, c.x);
    const Map inverse = [&](const at::Tensor& y) {
      return t.inverse(c.symmetric_y ? (y + y.transpose(-2, -1)) / 2 : y);
    };
    expect_gradient_matches(inverse, t.forward(c.x).detach());
  }
}

TEST(TransformGradients, FlowIntoParameters) {
  const at::Tensor x = f64({0.3, -1.2});
  expect_gradient_matches(
      [&](const at::Tensor& scale) {
        const Value affine = affine_transform(at::scalar_tensor(1.0, at::kDouble), scale);
        const Transform& t = Tr(affine);
        return t.forward(x) + t.log_abs_det_jacobian(x, t.forward(x));
      },
      f64({2.0, -0.5}));
  expect_gradient_matches(
      [&](const at::Tensor& e) {
        const Value power = power_transform(e);
        const Transform& t = Tr(power);
        return t.forward(x.exp()) + t.log_abs_det_jacobian(x.exp(), t.forward(x.exp()));
      },
      f64({1.5}));
}

}  // namespace
}  // namespace kiln::rt::testing
