// The elementwise bijections: identity, exp, sigmoid, softplus, tanh and
// power. log|dy/dx| is per element (shape of x), written so it stays finite
// where the derivative under- or overflows in floating point.
#include <ATen/ATen.h>

#include <cmath>

#include "runtime/tensor_value.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/transforms/transform.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

const double kLog2 = std::log(2.0);

class IdentityTransform final : public Transform {
 public:
  std::string name() const override { return "IdentityTransform()"; }
  bool is_identity() const override { return true; }
  at::Tensor forward(const at::Tensor& x) const override { return x; }
  at::Tensor inverse(const at::Tensor& y) const override { return y; }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return at::zeros_like(x);
  }
  Value domain() const override { return constraint_of(ConstraintKind::kReal); }
  Value codomain() const override { return constraint_of(ConstraintKind::kReal); }
  int sign() const override { return 1; }
};

class ExpTransform final : public Transform {
 public:
  std::string name() const override { return "ExpTransform()"; }
  at::Tensor forward(const at::Tensor& x) const override { return x.exp(); }
  at::Tensor inverse(const at::Tensor& y) const override { return y.log(); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return x;
  }
  Value domain() const override { return constraint_of(ConstraintKind::kReal); }
  Value codomain() const override { return constraint_of(ConstraintKind::kPositive); }
  int sign() const override { return 1; }
};

class SigmoidTransform final : public Transform {
 public:
  std::string name() const override { return "SigmoidTransform()"; }
  // Kept strictly inside (0, 1), where the inverse is finite: sigmoid(40.0)
  // rounds to 1 in float32.
  at::Tensor forward(const at::Tensor& x) const override {
    const FloatLimits f = float_limits(x.scalar_type());
    return x.sigmoid().clamp(f.tiny, 1 - f.eps);
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    const FloatLimits f = float_limits(y.scalar_type());
    const at::Tensor p = y.clamp(f.tiny, 1 - f.eps);
    return p.log() - (-p).log1p();
  }
  // sigmoid'(x) = sigmoid(x) sigmoid(-x), and log sigmoid(x) = -softplus(-x).
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return -at::softplus(-x) - at::softplus(x);
  }
  Value domain() const override { return constraint_of(ConstraintKind::kReal); }
  Value codomain() const override { return constraint_of(ConstraintKind::kUnitInterval); }
  int sign() const override { return 1; }
};

class SoftplusTransform final : public Transform {
 public:
  std::string name() const override { return "SoftplusTransform()"; }
  at::Tensor forward(const at::Tensor& x) const override { return at::softplus(x); }
  // log(exp(y) - 1) = y + log(1 - exp(-y)): no overflow for large y, and
  // expm1 keeps small y accurate.
  at::Tensor inverse(const at::Tensor& y) const override { return y + (-at::expm1(-y)).log(); }
  // softplus'(x) = sigmoid(x), whose log is -softplus(-x).
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return -at::softplus(-x);
  }
  Value domain() const override { return constraint_of(ConstraintKind::kReal); }
  Value codomain() const override { return constraint_of(ConstraintKind::kPositive); }
  int sign() const override { return 1; }
};

class TanhTransform final : public Transform {
 public:
  std::string name() const override { return "TanhTransform()"; }
  at::Tensor forward(const at::Tensor& x) const override { return x.tanh(); }
  at::Tensor inverse(const at::Tensor& y) const override { return y.atanh(); }
  // log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x)): finite for any x,
  // where 1 - tanh^2 underflows to 0 beyond |x| ~ 19 in float64.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return 2 * (kLog2 - x - at::softplus(-2 * x));
  }
  Value domain() const override { return constraint_of(ConstraintKind::kReal); }
  Value codomain() const override {
    static const Value open_unit_ball =
        immortal_value(interval(at::scalar_tensor(-1.0, at::TensorOptions().dtype(kDefaultFloat)),
                                at::scalar_tensor(1.0, at::TensorOptions().dtype(kDefaultFloat))));
    return open_unit_ball;
  }
  int sign() const override { return 1; }
};

class PowerTransform final : public Transform {
 public:
  explicit PowerTransform(at::Tensor exponent) : exponent_(std::move(exponent)) {}
  std::string name() const override {
    return "PowerTransform(exponent: " + param_text(exponent_) + ")";
  }
  at::Tensor forward(const at::Tensor& x) const override { return x.pow(exponent_); }
  at::Tensor inverse(const at::Tensor& y) const override { return y.pow(exponent_.reciprocal()); }
  // log|e x^(e-1)|, from x alone so it stays finite when y under- or overflows.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    return exponent_.abs().log() + (exponent_ - 1) * x.log();
  }
  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    return broadcast_with_params(name(), shape, {exponent_});
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    return broadcast_with_params(name(), shape, {exponent_});
  }
  Value domain() const override { return constraint_of(ConstraintKind::kPositive); }
  Value codomain() const override { return constraint_of(ConstraintKind::kPositive); }
  // A sign is a property of the transform, not of the differentiated path.
  int sign() const override {
    if (exponent_.numel() != 1) return 0;
    const double e = exponent_.detach().reshape({}).to(at::kDouble).item<double>();
    return e > 0 ? 1 : e < 0 ? -1 : 0;
  }

 private:
  at::Tensor exponent_;
};

}  // namespace

Value identity_transform() {
  static const Value t = immortal_value(make_value(new IdentityTransform()));
  return t;
}

Value exp_transform() {
  static const Value t = immortal_value(make_value(new ExpTransform()));
  return t;
}

Value sigmoid_transform() {
  static const Value t = immortal_value(make_value(new SigmoidTransform()));
  return t;
}

Value softplus_transform() {
  static const Value t = immortal_value(make_value(new SoftplusTransform()));
  return t;
}

Value tanh_transform() {
  static const Value t = immortal_value(make_value(new TanhTransform()));
  return t;
}

Value power_transform(at::Tensor exponent) {
  return make_value(new PowerTransform(std::move(exponent)));
}

}  // namespace kiln::rt
