#include "stdlib/distributions/lkj_cholesky.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <cmath>
#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "LKJCholesky";
const double kLogPi = std::log(M_PI);

int64_t checked_dim(int64_t dim) {
  if (dim < 2) raise_arg_error(kName, "dim must be an integer >= 2, got " + std::to_string(dim));
  return dim;
}

// The smallest positive normal number of the dtype, keeping divisions and
// square roots of quantities that may round to 0 finite.
double tiny(at::ScalarType dtype) {
  return dtype == at::kDouble ? std::numeric_limits<double>::min()
                              : std::numeric_limits<float>::min();
}

// Beta(a, b) draws of shape `shape` as G_a / (G_a + G_b) with Gamma draws.
at::Tensor beta_draws(const at::Tensor& a, const at::Tensor& b, at::IntArrayRef shape) {
  const at::Tensor ga = at::_standard_gamma(a.expand(shape), global_generator());
  const at::Tensor gb = at::_standard_gamma(b.expand(shape), global_generator());
  return ga / (ga + gb).clamp_min(tiny(ga.scalar_type()));
}

Value builtin_lkj_cholesky(const CallArgs& args) {
  check_args(args, 0, 2, "dim,concentration");
  return LKJCholesky::make(required_arg(args, 0, "dim"), optional_arg(args, 1, "concentration"));
}

}  // namespace

LKJCholesky::LKJCholesky(int64_t dim, at::Tensor concentration, bool validate)
    : Distribution(concentration.sizes().vec(), {checked_dim(dim), dim},
                   concentration.scalar_type()),
      dim_(dim),
      concentration_(std::move(concentration)) {
  if (validate) check_positive(kName, "concentration", concentration_);
}

Value LKJCholesky::make(const Value& dim, const Value* concentration) {
  const int64_t d = int_arg(dim, kName, "dim");
  const Value one(1.0);
  std::vector<at::Tensor> p =
      broadcast_params(kName, {{"concentration", concentration ? concentration : &one}});
  return make_value(new LKJCholesky(d, std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> LKJCholesky::params() const {
  return {{"concentration", concentration_}};
}

// Row k of L (k = 1 .. dim-1) has k off-diagonal entries w = sqrt(y) u with
// |w|^2 = y and diagonal sqrt(1 - y); row 0 is (1, 0, ..., 0). The Beta
// parameters are those of the onion method; row 0 gets a proper but unused
// Beta so all rows are drawn in one call.
at::Tensor LKJCholesky::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const std::vector<int64_t> rows(shape.begin(), shape.end() - 1);
  const at::Tensor k = at::arange(dim_, concentration_.options());
  const at::Tensor a = (0.5 * k).clamp_min(0.5);
  const at::Tensor b = concentration_.unsqueeze(-1) + 0.5 * static_cast<double>(dim_ - 2) -
                       0.5 * (k - 1).clamp_min(0);
  const at::Tensor y = beta_draws(a, b, rows);

  const double eps = tiny(concentration_.scalar_type());
  const at::Tensor z = at::randn(shape, global_generator(), concentration_.options()).tril(-1);
  const at::Tensor on_sphere = z / z.norm(2, {-1}, /*keepdim=*/true).clamp_min(eps);
  const at::Tensor w = y.sqrt().unsqueeze(-1) * on_sphere;
  const at::Tensor diagonal = (1 - w.pow(2).sum(-1)).clamp_min(eps).sqrt();
  return w + at::diag_embed(diagonal);
}

at::Tensor LKJCholesky::log_prob_impl(const at::Tensor& value) const {
  const double d = static_cast<double>(dim_);
  const at::TensorOptions opts = concentration_.options();
  const at::Tensor k = at::arange(1, dim_, opts);
  const at::Tensor exponent = 2 * (concentration_.unsqueeze(-1) - 1) + (d - 1 - k);
  const at::Tensor diagonal = value.diagonal(0, -2, -1).slice(-1, 1);
  const at::Tensor unnormalized = (exponent * diagonal.log()).sum(-1);

  // mvlgamma(x, p) = p (p - 1)/4 log pi + sum_{j=0}^{p-1} lgamma(x - j/2),
  // written out so it stays differentiable and free of LibTorch's domain check.
  const double p = d - 1;
  const at::Tensor a = concentration_ + 0.5 * p;
  const at::Tensor j = at::arange(dim_ - 1, opts);
  const at::Tensor mvlgamma =
      p * (p - 1) / 4 * kLogPi + (a.unsqueeze(-1) - 0.5 - 0.5 * j).lgamma().sum(-1);
  const at::Tensor log_normalizer = 0.5 * p * kLogPi + mvlgamma - p * a.lgamma();
  return unnormalized - log_normalizer;
}

Value LKJCholesky::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new LKJCholesky(dim_, concentration_.expand(batch_shape), false));
}

std::string LKJCholesky::to_string() const {
  const std::string base = Distribution::to_string();
  const size_t open = base.find('(');
  return base.substr(0, open + 1) + "dim: " + std::to_string(dim_) + ", " + base.substr(open + 1);
}

Value LKJCholesky::get_attr(std::string_view attr) const {
  if (attr == "dim") return Value(dim_);
  return Distribution::get_attr(attr);
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_LKJCholesky, &guarded<&builtin_lkj_cholesky>);
}

}  // namespace kiln::rt
