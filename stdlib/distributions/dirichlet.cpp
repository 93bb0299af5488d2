#include "stdlib/distributions/dirichlet.h"

#include <ATen/ATen.h>

#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/matrix_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "Dirichlet";

std::vector<int64_t> batch_of(const at::Tensor& concentration) {
  check_min_dims(kName, "concentration", concentration, 1,
                 "a vector of K categories with optional leading batch dims");
  return concentration.sizes().slice(0, concentration.dim() - 1).vec();
}

std::vector<int64_t> event_of(const at::Tensor& concentration) {
  if (concentration.dim() == 0) return {};
  return {concentration.size(-1)};
}

// The smallest positive normal number of the dtype: Gamma draws for a
// small concentration underflow to 0, and a simplex point with a zero
// coordinate has log_prob -inf or NaN.
double tiny(at::ScalarType dtype) {
  return dtype == at::kDouble ? std::numeric_limits<double>::min()
                              : std::numeric_limits<float>::min();
}

Value builtin_dirichlet(const CallArgs& args) {
  check_args(args, 0, 1, "concentration");
  return Dirichlet::make(required_arg(args, 0, "concentration"));
}

}  // namespace

Dirichlet::Dirichlet(at::Tensor concentration, bool validate)
    : Distribution(batch_of(concentration), event_of(concentration), concentration.scalar_type()),
      concentration_(std::move(concentration)) {
  if (validate) check_positive(kName, "concentration", concentration_);
}

Value Dirichlet::make(const Value& concentration) {
  std::vector<at::Tensor> p = broadcast_params(kName, {{"concentration", &concentration}});
  return make_value(new Dirichlet(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Dirichlet::params() const {
  return {{"concentration", concentration_}};
}

at::Tensor Dirichlet::rsample(at::IntArrayRef sample_shape) const {
  const at::Tensor alpha = concentration_.expand(extended_shape(sample_shape));
  const at::Tensor g =
      at::_standard_gamma(alpha, global_generator()).clamp_min(tiny(alpha.scalar_type()));
  return g / g.sum(-1, /*keepdim=*/true);
}

at::Tensor Dirichlet::mean() const {
  return concentration_ / concentration_.sum(-1, /*keepdim=*/true);
}

at::Tensor Dirichlet::variance() const {
  const at::Tensor total = concentration_.sum(-1, /*keepdim=*/true);
  return concentration_ * (total - concentration_) / (total.pow(2) * (total + 1));
}

// H = log B(alpha) + (alpha_0 - K) psi(alpha_0) - sum((alpha_k - 1) psi(alpha_k)).
at::Tensor Dirichlet::entropy() const {
  const double k = static_cast<double>(event_shape()[0]);
  const at::Tensor total = concentration_.sum(-1);
  const at::Tensor log_beta = concentration_.lgamma().sum(-1) - total.lgamma();
  return log_beta + (total - k) * total.digamma() -
         ((concentration_ - 1) * concentration_.digamma()).sum(-1);
}

at::Tensor Dirichlet::log_prob_impl(const at::Tensor& value) const {
  return at::xlogy(concentration_ - 1, value).sum(-1) + concentration_.sum(-1).lgamma() -
         concentration_.lgamma().sum(-1);
}

Value Dirichlet::expand_impl(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = batch_shape.vec();
  shape.push_back(event_shape()[0]);
  return make_value(new Dirichlet(concentration_.expand(shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Dirichlet, &guarded<&builtin_dirichlet>); }

}  // namespace kiln::rt
