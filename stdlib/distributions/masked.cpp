#include "stdlib/distributions/masked.h"

#include <ATen/ATen.h>

#include "runtime/errors.h"
#include "stdlib/arg_checks.h"
#include "stdlib/tensor/tensor_print.h"

namespace kiln::rt {

namespace {

const Distribution& checked_base(const Value& base) {
  const Distribution* d = as_distribution(base);
  KILN_ASSERT(d != nullptr, "MaskedDistribution: base is not a distribution");
  return *d;
}

// The base's batch shape if the mask broadcasts to it, else the broadcast
// (make_masked expands the base first, so this is the base's shape).
std::vector<int64_t> batch_of(const Value& base, const at::Tensor& mask) {
  return at::infer_size(checked_base(base).batch_shape(), mask.sizes());
}

}  // namespace

MaskedDistribution::MaskedDistribution(Value base, at::Tensor mask)
    : Distribution(batch_of(base, mask), checked_base(base).event_shape(),
                   checked_base(base).dtype()),
      base_(std::move(base)),
      mask_(std::move(mask)) {
  KILN_ASSERT(mask_.scalar_type() == at::kBool, "MaskedDistribution: mask must be bool");
  KILN_ASSERT(batch_shape() == this->base().batch_shape(),
              "MaskedDistribution: base must be expanded to the mask's batch shape");
}

at::Tensor MaskedDistribution::sample(at::IntArrayRef sample_shape) const {
  return base().sample(sample_shape);
}

at::Tensor MaskedDistribution::rsample(at::IntArrayRef sample_shape) const {
  return base().rsample(sample_shape);
}

at::Tensor MaskedDistribution::enumerate_support(bool expand) const {
  return base().enumerate_support(expand);
}

at::Tensor MaskedDistribution::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor lp = base().log_prob(value);
  return at::where(mask_, lp, at::scalar_tensor(0.0, lp.options()));
}

Value MaskedDistribution::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new MaskedDistribution(base().expand(batch_shape), mask_));
}

std::string MaskedDistribution::to_string() const {
  const std::string mask = mask_.numel() == 1 ? print_scalar(mask_.reshape({}))
                                              : "shape " + shape_to_string(mask_.sizes().vec());
  return "MaskedDistribution(" + base().to_string() + ", mask: " + mask + ")";
}

Value MaskedDistribution::get_attr(std::string_view attr) const {
  if (attr == "base_dist") return base_;
  return Distribution::get_attr(attr);
}

// Nested masks collapse into one (their conjunction), so KL divergences and
// printing see one wrapper.
Value make_masked(const Value& base, const at::Tensor& mask) {
  const Distribution& d = checked_base(base);
  KILN_ASSERT(mask.scalar_type() == at::kBool, "make_masked: mask must be bool");
  std::vector<int64_t> batch;
  try {
    batch = at::infer_size(d.batch_shape(), mask.sizes());
  } catch (const std::exception&) {
    raise_arg_error(std::string(d.name()) + ".mask",
                    "mask of shape " + shape_to_string(mask.sizes().vec()) +
                        " does not broadcast with the batch shape " +
                        shape_to_string(d.batch_shape()));
  }
  if (const auto* inner = dynamic_cast<const MaskedDistribution*>(&d))
    return make_value(
        new MaskedDistribution(inner->base().expand(batch), inner->mask_tensor() & mask));
  return make_value(new MaskedDistribution(d.expand(batch), mask));
}

}  // namespace kiln::rt
