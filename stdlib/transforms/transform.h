// Transforms: differentiable bijections y = f(x) with the log of the absolute
// Jacobian determinant, as torch.distributions.transforms. Inference uses
// them to move between a constrained space (a positive scale, a simplex) and
// the unconstrained reals where SVI and NUTS work:
//
//   t = biject_to(constraints.positive)      # ExpTransform
//   y = t(x);  x == t.inv(y)
//   log|dy/dx| = t.log_abs_det_jacobian(x, y)
//
// log_abs_det_jacobian(x, y) has shape x.shape[:x.dim() - domain_event_dim()]:
// for a transform acting on vectors (stick-breaking) the determinant of the
// whole event, for an elementwise one the per-element term. Transforms are
// immutable objects shared freely (parameters are tensors captured at
// construction; gradients flow through them).
//
// Adding one: see stdlib/transforms/README.md (a subclass in the file of its
// family, a constructor below, a member of the `transforms` namespace in
// transforms_namespace.cpp if users build it, a case in biject_to.cpp if it
// is a constraint's bijection, and tests in tests/runtime/transforms_test.cpp:
// inverse, codomain, log|det J| against autograd's Jacobian).
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <string_view>
#include <vector>

#include "runtime/value.h"

namespace kiln::rt {

class Transform : public Object {
 public:
  Transform() : Object(ObjKind::kNative) {}

  // "ExpTransform()", "AffineTransform(loc: 1.0, scale: 2.0)".
  virtual std::string name() const = 0;
  // forward, inverse and log_abs_det_jacobian take floating tensors and
  // raise KilnError when an event has the wrong shape (a stick-breaking
  // input with no dims, a non-square matrix).
  virtual at::Tensor forward(const at::Tensor& x) const = 0;
  virtual at::Tensor inverse(const at::Tensor& y) const = 0;
  virtual at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const = 0;

  // Constraint values (stdlib/distributions/constraint.h) of x and y.
  virtual Value domain() const = 0;
  virtual Value codomain() const = 0;
  // Event dims of x and of y, equal to domain()'s and codomain()'s
  // event_dim (1 and 1 for stick-breaking, 1 and 2 for corr-Cholesky whose
  // unconstrained side is a vector).
  virtual int64_t domain_event_dim() const { return 0; }
  virtual int64_t codomain_event_dim() const { return 0; }
  // +1 or -1 for a monotone elementwise transform, 0 if not defined.
  virtual int sign() const { return 0; }
  // True when forward and inverse return their argument and log|det J| is 0
  // (the identity, and compositions and Independent wrappings of it): the
  // potential of HMC skips the Jacobian work of such sites.
  virtual bool is_identity() const { return false; }
  // The shape of y for x of `shape`, and back (they differ when the event
  // changes size: K-1 -> K for stick-breaking, D(D-1)/2 -> (D, D) for
  // corr-Cholesky).
  virtual std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const {
    return shape;
  }
  virtual std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const {
    return shape;
  }

  // Object: printed as name(); t(x) is forward; attributes .inv (the
  // inverse transform) .domain .codomain .sign (0: not monotone elementwise)
  // .event_dim (when domain and codomain agree) .bijective; methods
  // .log_abs_det_jacobian(x, y) .forward_shape(s) .inverse_shape(s).
  // Integer and bool arguments are converted to float32.
  std::string type_name() const override { return "Transform"; }
  std::string to_string() const override { return name(); }
  Value get_attr(std::string_view attr) const override;
  Value call_method(std::string_view method, const CallArgs& args) override;
  Value call(const CallArgs& args) override;

 protected:
  // Raises KilnError "<name>: expected a tensor with at least <dims> dims
  // (<what>), got shape (...)" unless x has them.
  void check_min_dims(const at::Tensor& x, int64_t dims, std::string_view what) const;
};

// The transform held by v, or null.
const Transform* as_transform(const Value& v);

// Constructors used by biject_to, distributions and the language.
Value identity_transform();  // real -> real, log|det J| = 0
Value exp_transform();
Value affine_transform(at::Tensor loc, at::Tensor scale, int64_t event_dim = 0);
Value sigmoid_transform();
Value softplus_transform();
Value tanh_transform();
Value power_transform(at::Tensor exponent);
Value stick_breaking_transform();      // R^(K-1) -> simplex in R^K
Value lower_cholesky_transform();      // (D, D) real -> lower Cholesky (exp of the diagonal)
Value corr_cholesky_transform();       // R^(D(D-1)/2) -> Cholesky factor of a correlation matrix
Value positive_definite_transform();   // (D, D) real -> positive definite (L L^T)
// The parameter-free transforms above are immortal singletons (value.h),
// shared freely between threads.
// Applies parts left to right: compose([a, b])(x) = b(a(x)). Empty: identity.
Value compose_transform(std::vector<Value> parts);
// The inverse of t (its .inv).
Value inverse_transform(const Value& t);
// t acting on events of `reinterpreted_dims` more dims (log|det J| summed
// over them), as torch's IndependentTransform.
Value independent_transform(const Value& t, int64_t reinterpreted_dims);

// A bijection from the unconstrained reals onto `constraint`'s set, as
// torch.distributions.biject_to: positive -> exp, interval -> sigmoid then
// affine, simplex -> stick-breaking, lower_cholesky -> LowerCholeskyTransform,
// corr_cholesky -> CorrCholeskyTransform, positive_definite ->
// PositiveDefiniteTransform, independent(c, n) -> independent(biject_to(c), n).
// Raises KilnError for discrete constraints ("boolean has no bijection to
// the reals: discrete sites cannot be ...").
Value biject_to(const Value& constraint);

// The language's `transforms` namespace object: the instances exp,
// sigmoid, softplus, tanh, stick_breaking, lower_cholesky, corr_cholesky,
// positive_definite, identity, and the constructors AffineTransform(loc,
// scale, event_dim=0), PowerTransform(exponent), ComposeTransform(parts),
// IndependentTransform(base_transform, reinterpreted_batch_ndims) and
// ExpTransform(), SigmoidTransform(), ... as Pyro's dist.transforms.
Value transforms_namespace();

}  // namespace kiln::rt
