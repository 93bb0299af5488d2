// Transforms built from others: a chain (ComposeTransform), an inverse
// (t.inv) and a reinterpretation of batch dims as event dims
// (IndependentTransform).
#include <ATen/ATen.h>

#include <algorithm>
#include <vector>

#include "runtime/errors.h"
#include "stdlib/distributions/constraint.h"
#include "stdlib/transforms/transform.h"
#include "stdlib/transforms/transform_util.h"

namespace kiln::rt {

namespace {

const Transform& transform_in(const Value& v) {
  const Transform* t = as_transform(v);
  KILN_ASSERT(t != nullptr, "a transform was expected");
  return *t;
}

// A chain's event dims follow torch's ComposeTransform: each part needs at
// least its own event dims, and a part that changes the event's rank
// (corr-Cholesky: 1 -> 2) shifts the count for the parts after it.
class ComposeTransform final : public Transform {
 public:
  explicit ComposeTransform(std::vector<Value> parts) : parts_(std::move(parts)) {
    KILN_ASSERT(!parts_.empty(), "ComposeTransform needs parts");
    domain_event_dim_ = part(parts_.size() - 1).codomain_event_dim();
    for (size_t i = parts_.size(); i-- > 0;) {
      const Transform& p = part(i);
      domain_event_dim_ = std::max(
          domain_event_dim_ - p.codomain_event_dim() + p.domain_event_dim(), p.domain_event_dim());
    }
    codomain_event_dim_ = part(0).domain_event_dim();
    for (size_t i = 0; i < parts_.size(); ++i) {
      const Transform& p = part(i);
      codomain_event_dim_ =
          std::max(codomain_event_dim_ - p.domain_event_dim() + p.codomain_event_dim(),
                   p.codomain_event_dim());
    }
  }

  std::string name() const override {
    std::string out = "ComposeTransform(";
    for (size_t i = 0; i < parts_.size(); ++i) out += (i ? ", " : "") + part(i).name();
    return out + ")";
  }

  at::Tensor forward(const at::Tensor& x) const override {
    at::Tensor y = x;
    for (size_t i = 0; i < parts_.size(); ++i) y = part(i).forward(y);
    return y;
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    at::Tensor x = y;
    for (size_t i = parts_.size(); i-- > 0;) x = part(i).inverse(x);
    return x;
  }

  // The sum of the parts' terms at their own inputs, each summed over the
  // event dims the chain has beyond the part's own.
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override {
    check_min_dims(x, domain_event_dim_, "the event dims");
    at::Tensor total, input = x;
    int64_t event_dim = domain_event_dim_;
    for (size_t i = 0; i < parts_.size(); ++i) {
      const Transform& p = part(i);
      const at::Tensor output = i + 1 == parts_.size() ? y : p.forward(input);
      const at::Tensor term =
          sum_rightmost(p.log_abs_det_jacobian(input, output), event_dim - p.domain_event_dim());
      total = total.defined() ? total + term : term;
      event_dim += p.codomain_event_dim() - p.domain_event_dim();
      input = output;
    }
    return total;
  }

  Value domain() const override {
    const Transform& first = part(0);
    return independent(first.domain(), domain_event_dim_ - first.domain_event_dim());
  }
  Value codomain() const override {
    const Transform& last = part(parts_.size() - 1);
    return independent(last.codomain(), codomain_event_dim_ - last.codomain_event_dim());
  }
  int64_t domain_event_dim() const override { return domain_event_dim_; }
  int64_t codomain_event_dim() const override { return codomain_event_dim_; }
  int sign() const override {
    int s = 1;
    for (size_t i = 0; i < parts_.size(); ++i) s *= part(i).sign();
    return s;
  }
  bool is_identity() const override {
    for (size_t i = 0; i < parts_.size(); ++i)
      if (!part(i).is_identity()) return false;
    return true;
  }
  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    std::vector<int64_t> s = shape;
    for (size_t i = 0; i < parts_.size(); ++i) s = part(i).forward_shape(s);
    return s;
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    std::vector<int64_t> s = shape;
    for (size_t i = parts_.size(); i-- > 0;) s = part(i).inverse_shape(s);
    return s;
  }

 private:
  const Transform& part(size_t i) const { return transform_in(parts_[i]); }

  std::vector<Value> parts_;
  int64_t domain_event_dim_ = 0;
  int64_t codomain_event_dim_ = 0;
};

class InverseTransform final : public Transform {
 public:
  explicit InverseTransform(Value base) : base_(std::move(base)) {}
  const Value& base() const { return base_; }

  std::string name() const override { return b().name() + ".inv"; }
  at::Tensor forward(const at::Tensor& x) const override { return b().inverse(x); }
  at::Tensor inverse(const at::Tensor& y) const override { return b().forward(y); }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override {
    return -b().log_abs_det_jacobian(y, x);
  }
  Value domain() const override { return b().codomain(); }
  Value codomain() const override { return b().domain(); }
  int64_t domain_event_dim() const override { return b().codomain_event_dim(); }
  int64_t codomain_event_dim() const override { return b().domain_event_dim(); }
  int sign() const override { return b().sign(); }
  bool is_identity() const override { return b().is_identity(); }
  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    return b().inverse_shape(shape);
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    return b().forward_shape(shape);
  }

 private:
  const Transform& b() const { return transform_in(base_); }
  Value base_;
};

class IndependentTransform final : public Transform {
 public:
  IndependentTransform(Value base, int64_t reinterpreted_dims)
      : base_(std::move(base)), reinterpreted_dims_(reinterpreted_dims) {}

  std::string name() const override {
    return "IndependentTransform(" + b().name() + ", " + std::to_string(reinterpreted_dims_) + ")";
  }
  at::Tensor forward(const at::Tensor& x) const override {
    check_min_dims(x, domain_event_dim(), "the event dims");
    return b().forward(x);
  }
  at::Tensor inverse(const at::Tensor& y) const override {
    check_min_dims(y, codomain_event_dim(), "the event dims");
    return b().inverse(y);
  }
  at::Tensor log_abs_det_jacobian(const at::Tensor& x, const at::Tensor& y) const override {
    check_min_dims(x, domain_event_dim(), "the event dims");
    return sum_rightmost(b().log_abs_det_jacobian(x, y), reinterpreted_dims_);
  }
  Value domain() const override { return independent(b().domain(), reinterpreted_dims_); }
  Value codomain() const override { return independent(b().codomain(), reinterpreted_dims_); }
  int64_t domain_event_dim() const override { return b().domain_event_dim() + reinterpreted_dims_; }
  int64_t codomain_event_dim() const override {
    return b().codomain_event_dim() + reinterpreted_dims_;
  }
  int sign() const override { return b().sign(); }
  bool is_identity() const override { return b().is_identity(); }
  std::vector<int64_t> forward_shape(const std::vector<int64_t>& shape) const override {
    return b().forward_shape(shape);
  }
  std::vector<int64_t> inverse_shape(const std::vector<int64_t>& shape) const override {
    return b().inverse_shape(shape);
  }

 private:
  const Transform& b() const { return transform_in(base_); }
  Value base_;
  int64_t reinterpreted_dims_;
};

}  // namespace

Value compose_transform(std::vector<Value> parts) {
  for (const Value& p : parts) KILN_ASSERT(as_transform(p) != nullptr, "compose: not a transform");
  if (parts.empty()) return identity_transform();
  if (parts.size() == 1) return parts[0];
  return make_value(new ComposeTransform(std::move(parts)));
}

Value inverse_transform(const Value& t) {
  KILN_ASSERT(as_transform(t) != nullptr, "inverse_transform: not a transform");
  if (const auto* inv = dynamic_cast<const InverseTransform*>(t.obj())) return inv->base();
  return make_value(new InverseTransform(t));
}

Value independent_transform(const Value& t, int64_t reinterpreted_dims) {
  KILN_ASSERT(as_transform(t) != nullptr, "independent_transform: not a transform");
  KILN_ASSERT(reinterpreted_dims >= 0, "independent_transform: negative dims");
  if (reinterpreted_dims == 0) return t;
  return make_value(new IndependentTransform(t, reinterpreted_dims));
}

}  // namespace kiln::rt
