#include "stdlib/distributions/student_t.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/gamma.h"
#include "stdlib/random.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// log(sqrt(pi)) and lgamma(1/2) = log(sqrt(pi)), the constants of the
// normalizer and of B(df/2, 1/2).
const double kLogSqrtPi = 0.5 * std::log(M_PI);

Value builtin_student_t(const CallArgs& args) {
  check_args(args, 0, 3, "df,loc,scale");
  return StudentT::make(required_arg(args, 0, "df"), optional_arg(args, 1, "loc"),
                        optional_arg(args, 2, "scale"));
}

}  // namespace

StudentT::StudentT(at::Tensor df, at::Tensor loc, at::Tensor scale, bool validate)
    : Distribution(df.sizes().vec(), {}, df.scalar_type()),
      df_(std::move(df)),
      loc_(std::move(loc)),
      scale_(std::move(scale)) {
  if (!validate) return;
  check_positive("StudentT", "df", df_);
  check_not_nan("StudentT", "loc", loc_);
  check_positive("StudentT", "scale", scale_);
}

Value StudentT::make(const Value& df, const Value* loc, const Value* scale) {
  const Value default_loc(0.0), default_scale(1.0);
  std::vector<at::Tensor> p = broadcast_params(
      "StudentT", {{"df", &df},
                   {"loc", loc != nullptr ? loc : &default_loc},
                   {"scale", scale != nullptr ? scale : &default_scale}});
  return make_value(
      new StudentT(std::move(p[0]), std::move(p[1]), std::move(p[2]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> StudentT::params() const {
  return {{"df", df_}, {"loc", loc_}, {"scale", scale_}};
}

at::Tensor StudentT::rsample(at::IntArrayRef sample_shape) const {
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  const at::Tensor z = at::randn(shape, global_generator(), loc_.options());
  // V ~ Chi2(df) = Gamma(df/2, 1/2), clamped away from 0 by gamma_rsample.
  const at::Tensor v = gamma_rsample(df_ / 2, at::scalar_tensor(0.5, df_.options()), shape);
  return loc_ + scale_ * z * at::rsqrt(v / df_);
}

at::Tensor StudentT::mean() const { return at::where(df_ > 1, loc_, kNaN); }

at::Tensor StudentT::variance() const {
  const at::Tensor finite = scale_.pow(2) * df_ / (df_ - 2);
  return at::where(df_ > 2, finite, at::where(df_ > 1, at::full_like(finite, kInf), kNaN));
}

at::Tensor StudentT::entropy() const {
  // log B(df/2, 1/2) = lgamma(df/2) + lgamma(1/2) - lgamma((df+1)/2).
  const at::Tensor half_df = df_ / 2, half_df_plus = (df_ + 1) / 2;
  const at::Tensor log_beta = at::lgamma(half_df) + kLogSqrtPi - at::lgamma(half_df_plus);
  return half_df_plus * (at::digamma(half_df_plus) - at::digamma(half_df)) + 0.5 * df_.log() +
         log_beta + scale_.log();
}

at::Tensor StudentT::log_prob_impl(const at::Tensor& value) const {
  const at::Tensor y = (value - loc_) / scale_;
  const at::Tensor log_normalizer = scale_.log() + 0.5 * df_.log() + kLogSqrtPi +
                                    at::lgamma(df_ / 2) - at::lgamma((df_ + 1) / 2);
  return -0.5 * (df_ + 1) * at::log1p(y.pow(2) / df_) - log_normalizer;
}

Value StudentT::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new StudentT(df_.expand(batch_shape), loc_.expand(batch_shape),
                                 scale_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_StudentT, &guarded<&builtin_student_t>);
}

}  // namespace kiln::rt
