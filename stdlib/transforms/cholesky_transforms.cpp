// The matrix bijections:
//   LowerCholeskyTransform     (D, D) reals -> lower triangular, positive
//   diagonal CorrCholeskyTransform      D(D-1)/2 reals -> Cholesky factor of a
//   correlation matrix PositiveDefiniteTransform  (D, D) reals -> L L^T with L
//   = LowerCholeskyTransform(x)
// Entries above the diagonal of a square input are ignored, so log|det J|
// is that of the map between the free entries: the lower triangle (with
// the diagonal) of x and of y, or x and the strictly lower entries of the
// correlation factor (its diagonal follows from unit row lengths).
#include <ATen/ATen.h>

#include <cmath>
#include <vector>

#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/transforms/transform.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

const double kLog2 = std::log(2.0);

// Row-major flat positions (row * d + col) of the entries with
// col <= row + offset: offset -1 is the strictly lower triangle.
at::Tensor tril_flat_indices(int64_t d, int64_t offset) {
  const at::Tensor rc = at::tril_indices(d, d, offset, at::TensorOptions().dtype(at::kLong));
  return rc[0] * d + rc[1];
}

// The entries of the (..., d, d) matrices selected by tril_flat_indices.
at::Tensor lower_entries(const at::Tensor& m, int64_t offset) {
  const at::Tensor flat = m.flatten(-2);
  return flat.index_select(flat.dim() - 1, tril_flat_indices(m.size(-1), offset));
}

// (..., d(d-1)/2) -> (..., d, d), the values filling the strictly lower
// triangle row by row, zeros elsewhere. Out of place, so gradients reach v.
at::Tensor strictly_lower_from(const at::Tensor& v, int64_t d) {
  std::vector<int64_t> flat_shape = v.sizes().vec();
  flat_shape.back() = d * d;
  const at::Tensor flat =
      at::zeros(flat_shape, v.options()).index_copy(v.dim() - 1, tril_flat_indices(d, -1), v);
  std::vector<int64_t> shape = v.sizes().vec();
  shape.back() = d;
  shape.push_back(d);
  return flat.reshape(shape);
}

at::Tensor with_diagonal(const at::Tensor& m, const at::Tensor& diagonal) {
  return m.tril(-1) + diagonal.diag_embed(0, -2, -1);
}

class MatrixTransform : public Transform {
 protected:
  void check_square(const at::Tensor& m, std::string_view what) const {
    check_min_dims(m, 2, what);
    if (m.size(-1) != m.size(-2))
      raise(name() + ": expected square matrices (" + std::string(what) + "), got shape " +
            shape_to_string(m.sizes().vec()));
  }
};

const Value& real_matrices() {
  static const Value c = immortal_value(independent(constraint_of(ConstraintKind::kReal), 2));
  return c;
}

class LowerCholeskyTransform final : public MatrixTransform {
 public:
  std::string name() const override { return "LowerCholeskyTransform()"; }
  at::Tensor forward(const at::Tensor& x) const override {
    check_square(x, "unconstrained matrices");
    return with_diagonal(x, x.diagonal(0, -2, -1).exp());
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    check_square(y, "lower Cholesky factors");
    return with_diagonal(y, y.diagonal(0, -2, -1).log());
  }
  // Strictly lower entries pass through; the diagonal is exponentiated.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    check_square(x, "unconstrained matrices");
    return x.diagonal(0, -2, -1).sum(-1);
  }
  Value domain() const override { return real_matrices(); }
  Value codomain() const override { return constraint_of(ConstraintKind::kLowerCholesky); }
  int64_t domain_event_dim() const override { return 2; }
  int64_t codomain_event_dim() const override { return 2; }
};

// The signed stick-breaking of LKJ (Lewandowski, Kurowicka & Joe 2009), as
// torch's CorrCholeskyTransform: r = tanh(x) fills the strictly lower
// triangle row by row; in row i, entry j takes the fraction r_ij of the
// length still unused, y_ij = r_ij sqrt(1 - sum_{k<j} y_ik^2), and the
// diagonal takes the rest, so every row has unit length.
class CorrCholeskyTransform final : public MatrixTransform {
 public:
  std::string name() const override { return "CorrCholeskyTransform()"; }

  at::Tensor forward(const at::Tensor& x) const override {
    check_min_dims(x, 1, "a vector of D(D-1)/2 unconstrained values");
    const int64_t d = matrix_size(x.size(-1));
    // |r| < 1 strictly keeps the diagonal positive and the inverse finite.
    const double eps = float_limits(x.scalar_type()).eps;
    const at::Tensor r = strictly_lower_from(x.tanh().clamp(-1 + eps, 1 - eps), d);
    // sqrt(1 - sum_{k<j} y_ik^2) = prod_{k<j} sqrt(1 - r_ik^2).
    const at::Tensor kept = (1 - r * r).sqrt().cumprod(-1);
    const at::Tensor unused =
        at::cat({at::ones_like(kept.narrow(-1, 0, 1)), kept.narrow(-1, 0, d - 1)}, -1);
    return (r + at::eye(d, x.options())) * unused;
  }

  at::Tensor inverse(const at::Tensor& y) const override {
    check_square(y, "correlation Cholesky factors");
    const at::Tensor squares = y * y;
    const at::Tensor unused = 1 - (squares.cumsum(-1) - squares);
    // Select before dividing: above the diagonal the unused length is 0.
    const double tiny = float_limits(y.scalar_type()).tiny;
    const at::Tensor r = lower_entries(y, -1) / lower_entries(unused, -1).clamp_min(tiny).sqrt();
    return r.atanh();
  }

  // Row i's Jacobian with respect to its own r_ik is triangular with
  // diagonal sqrt(unused_ij) = prod_{k<j} sqrt(1 - r_ik^2), and dr/dx =
  // 1 - r^2. So log(1 - r_ik^2) counts once for its own entry and half for
  // each of the i-1-k later entries of its row: weight (i - k + 1) / 2.
  // log(1 - tanh(x)^2) is written stably as in TanhTransform.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    check_min_dims(x, 1, "a vector of D(D-1)/2 unconstrained values");
    const int64_t d = matrix_size(x.size(-1));
    const at::Tensor rc = at::tril_indices(d, d, -1, x.options().dtype(at::kLong));
    const at::Tensor weights = ((rc[0] - rc[1] + 1).to(x.scalar_type())) / 2;
    const at::Tensor log_one_minus_r2 = 2 * (kLog2 - x - at::softplus(-2 * x));
    return (log_one_minus_r2 * weights).sum(-1);
  }

  Value domain() const override {
    static const Value c = immortal_value(independent(constraint_of(ConstraintKind::kReal), 1));
    return c;
  }
  Value codomain() const override { return constraint_of(ConstraintKind::kCorrCholesky); }
  int64_t domain_event_dim() const override { return 1; }
  int64_t codomain_event_dim() const override { return 2; }

  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    if (shape.empty()) raise(name() + ".forward_shape(): the shape needs at least 1 dim");
    std::vector<int64_t> out = shape;
    const int64_t d = matrix_size(out.back());
    out.back() = d;
    out.push_back(d);
    return out;
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    if (shape.size() < 2 || shape[shape.size() - 1] != shape[shape.size() - 2])
      raise(name() + ".inverse_shape(): the shape must end in two equal dims (D, D)");
    std::vector<int64_t> out(shape.begin(), shape.end() - 1);
    out.back() = out.back() * (out.back() - 1) / 2;
    return out;
  }

 private:
  // D with D(D-1)/2 == n.
  int64_t matrix_size(int64_t n) const {
    const auto d = static_cast<int64_t>(std::llround((1 + std::sqrt(1.0 + 8.0 * n)) / 2));
    if (d * (d - 1) / 2 != n)
      raise(name() +
            ": the last dim must hold D(D-1)/2 values for a D x D factor (0, "
            "1, 3, 6, "
            "10, ...), got " +
            std::to_string(n));
    return d;
  }
};

class PositiveDefiniteTransform final : public MatrixTransform {
 public:
  std::string name() const override { return "PositiveDefiniteTransform()"; }
  at::Tensor forward(const at::Tensor& x) const override {
    check_square(x, "unconstrained matrices");
    const at::Tensor l = with_diagonal(x, x.diagonal(0, -2, -1).exp());
    return l.matmul(l.transpose(-2, -1));
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    check_square(y, "positive definite matrices");
    const at::Tensor l = at::linalg_cholesky(y);
    return with_diagonal(l, l.diagonal(0, -2, -1).log());
  }
  // L -> L L^T on lower triangles has log|det J| = D log 2 + sum_i (D - i)
  // log L_ii (rows i from 0), and log L_ii = x_ii adds the exponentiated
  // diagonal's own sum_i x_ii: D log 2 + sum_i (D + 1 - i) x_ii.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    check_square(x, "unconstrained matrices");
    const int64_t d = x.size(-1);
    const at::Tensor weights = at::arange(d + 1, 1, -1, x.options());
    return d * kLog2 + (x.diagonal(0, -2, -1) * weights).sum(-1);
  }
  Value domain() const override { return real_matrices(); }
  Value codomain() const override { return constraint_of(ConstraintKind::kPositiveDefinite); }
  int64_t domain_event_dim() const override { return 2; }
  int64_t codomain_event_dim() const override { return 2; }
};

}  // namespace

Value lower_cholesky_transform() {
  static const Value t = immortal_value(make_value(new LowerCholeskyTransform()));
  return t;
}

Value corr_cholesky_transform() {
  static const Value t = immortal_value(make_value(new CorrCholeskyTransform()));
  return t;
}

Value positive_definite_transform() {
  static const Value t = immortal_value(make_value(new PositiveDefiniteTransform()));
  return t;
}

}  // namespace kiln::rt
