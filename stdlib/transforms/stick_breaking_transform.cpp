// Stick-breaking: R^(K-1) -> the simplex in R^K, as torch's
// StickBreakingTransform. Entry k breaks off the fraction
// z_k = sigmoid(x_k - log(K-1-k)) of what is left of a unit stick; the last
// entry is the remainder. The offsets make x = 0 land on the uniform point
// (1/K, ..., 1/K): with n sticks left, 1/n of the rest is sigmoid(-log(n-1)).
#include <ATen/ATen.h>

#include <vector>

#include "runtime/errors.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/transforms/transform.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

// log(K-1-k) for k = 0..K-2: log(K-1), ..., log(1).
at::Tensor log_offsets(int64_t breaks, const at::TensorOptions& options) {
  return at::arange(breaks, 0, -1, options).log();
}

// Exclusive cumulative sum along the last dim: out_k = sum_{j<k} t_j.
at::Tensor exclusive_cumsum(const at::Tensor& t) { return t.cumsum(-1) - t; }

class StickBreakingTransform final : public Transform {
 public:
  std::string name() const override { return "StickBreakingTransform()"; }

  at::Tensor forward(const at::Tensor& x) const override {
    check_min_dims(x, 1, "a vector of K-1 unconstrained values");
    const FloatLimits f = float_limits(x.scalar_type());
    const at::Tensor z =
        (x - log_offsets(x.size(-1), x.options())).sigmoid().clamp(f.tiny, 1 - f.eps);
    // What is left of the stick after each break; the last remainder is y_K.
    const at::Tensor left = (1 - z).cumprod(-1);
    std::vector<int64_t> one_shape = z.sizes().vec();
    one_shape.back() = 1;
    const at::Tensor one = at::ones(one_shape, z.options());
    return at::cat({z, one}, -1) * at::cat({one, left}, -1);
  }

  at::Tensor inverse(const at::Tensor& y) const override {
    check_min_dims(y, 1, "a vector on the simplex");
    const int64_t breaks = y.size(-1) - 1;
    const at::Tensor head = y.narrow(-1, 0, breaks);
    // What is left after break k is the sum of the later entries; summing
    // them from the right keeps a small remainder accurate, where
    // 1 - cumsum(y) would cancel.
    const at::Tensor later = y.flip(-1).cumsum(-1).flip(-1).narrow(-1, 1, breaks);
    const FloatLimits f = float_limits(y.scalar_type());
    return head.log() - later.clamp_min(f.tiny).log() + log_offsets(breaks, y.options());
  }

  // The Jacobian of x -> y[:K-1] is triangular with diagonal
  // left_{k-1} z_k (1 - z_k), so log|det J| = sum_k [log z_k + log(1 - z_k)
  // + sum_{j<k} log(1 - z_j)], written from x with log-sigmoids to stay
  // finite where y underflows.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    check_min_dims(x, 1, "a vector of K-1 unconstrained values");
    const at::Tensor u = x - log_offsets(x.size(-1), x.options());
    const at::Tensor log_z = -at::softplus(-u);
    const at::Tensor log_one_minus_z = -at::softplus(u);
    return (log_z + log_one_minus_z + exclusive_cumsum(log_one_minus_z)).sum(-1);
  }

  Value domain() const override {
    static const Value real_vector =
        immortal_value(independent(constraint_of(ConstraintKind::kReal), 1));
    return real_vector;
  }
  Value codomain() const override { return constraint_of(ConstraintKind::kSimplex); }
  int64_t domain_event_dim() const override { return 1; }
  int64_t codomain_event_dim() const override { return 1; }

  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    if (shape.empty()) raise(name() + ".forward_shape(): the shape needs at least 1 dim");
    std::vector<int64_t> out = shape;
    out.back() += 1;
    return out;
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    if (shape.empty() || shape.back() < 1)
      raise(name() + ".inverse_shape(): the shape needs a last dim of at least 1");
    std::vector<int64_t> out = shape;
    out.back() -= 1;
    return out;
  }
};

}  // namespace

Value stick_breaking_transform() {
  static const Value t = immortal_value(make_value(new StickBreakingTransform()));
  return t;
}

}  // namespace kiln::rt
