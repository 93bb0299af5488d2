// y = loc + scale * x, elementwise or on events of event_dim dims (then
// log|det J| sums log|scale| over each event).
#include <ATen/ATen.h>

#include "stdlib/distributions/constraint.h"
#include "stdlib/transforms/transform.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

class AffineTransform final : public Transform {
 public:
  AffineTransform(at::Tensor loc, at::Tensor scale, int64_t event_dim)
      : loc_(std::move(loc)), scale_(std::move(scale)), event_dim_(event_dim) {}

  std::string name() const override {
    std::string out = "AffineTransform(loc: " + param_text(loc_) + ", scale: " + param_text(scale_);
    if (event_dim_ != 0) out += ", event_dim: " + std::to_string(event_dim_);
    return out + ")";
  }

  at::Tensor forward(const at::Tensor& x) const override {
    check_min_dims(x, event_dim_, "the event dims");
    return loc_ + scale_ * x;
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    check_min_dims(y, event_dim_, "the event dims");
    return (y - loc_) / scale_;
  }

  // log|scale| for every element of x (scale broadcast against x, so a
  // scalar scale counts once per element), summed over each event.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor&) const override {
    check_min_dims(x, event_dim_, "the event dims");
    const std::vector<int64_t> shape = at::infer_size(x.sizes(), scale_.sizes());
    const at::Tensor per_element = scale_.to(at::result_type(x, scale_)).abs().log().expand(shape);
    return sum_rightmost(per_element, event_dim_);
  }

  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    return broadcast_with_params(name(), shape, {loc_, scale_});
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    return broadcast_with_params(name(), shape, {loc_, scale_});
  }

  Value domain() const override {
    return independent(constraint_of(ConstraintKind::kReal), event_dim_);
  }
  Value codomain() const override { return domain(); }
  int64_t domain_event_dim() const override { return event_dim_; }
  int64_t codomain_event_dim() const override { return event_dim_; }
  int sign() const override {
    if (scale_.numel() != 1) return 0;
    const double s = scale_.detach().reshape({}).to(at::kDouble).item<double>();
    return s > 0 ? 1 : s < 0 ? -1 : 0;
  }

 private:
  at::Tensor loc_, scale_;
  int64_t event_dim_;
};

}  // namespace

Value affine_transform(at::Tensor loc, at::Tensor scale, int64_t event_dim) {
  return make_value(new AffineTransform(std::move(loc), std::move(scale), event_dim));
}

}  // namespace kiln::rt
