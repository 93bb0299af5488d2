#include "stdlib/distributions/chi2.h"

#include <ATen/ATen.h>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/gamma.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_chi2(const CallArgs& args) {
  check_args(args, 0, 1, "df");
  return Chi2::make(required_arg(args, 0, "df"));
}

}  // namespace

Chi2::Chi2(at::Tensor df, bool validate)
    : Distribution(df.sizes().vec(), {}, df.scalar_type()), df_(std::move(df)) {
  if (!validate) return;
  check_positive("Chi2", "df", df_);
}

Value Chi2::make(const Value& df) {
  std::vector<at::Tensor> p = broadcast_params("Chi2", {{"df", &df}});
  return make_value(new Chi2(std::move(p[0]), validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Chi2::params() const {
  return {{"df", df_}};
}

at::Tensor Chi2::rate() const { return at::scalar_tensor(0.5, df_.options()); }

at::Tensor Chi2::rsample(at::IntArrayRef sample_shape) const {
  return gamma_rsample(concentration(), rate(), extended_shape(sample_shape));
}

at::Tensor Chi2::entropy() const { return gamma_entropy(concentration(), rate()); }

at::Tensor Chi2::log_prob_impl(const at::Tensor& value) const {
  return gamma_log_density(concentration(), rate(), value);
}

Value Chi2::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Chi2(df_.expand(batch_shape), false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Chi2, &guarded<&builtin_chi2>); }

}  // namespace kiln::rt
