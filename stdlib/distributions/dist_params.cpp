#include "stdlib/distributions/dist_params.h"

#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>

#include <cmath>
#include <optional>

#include "runtime/errors.h"
#include "runtime/tensor_value.h"
#include "runtime/value_ops.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/single_stored_value.h"
#include "stdlib/tensor/tensor_print.h"

namespace kiln::rt {

std::vector<at::Tensor> broadcast_params(std::string_view dist, const std::vector<ParamArg>& args) {
  // Tensors fix the dtype; Python numbers then follow it, as torch's broadcast_all.
  c10::optional<at::ScalarType> dtype;
  for (const ParamArg& a : args) {
    if (!is_tensor(*a.value)) continue;
    const at::ScalarType t = tensor_of(*a.value).scalar_type();
    if (!at::isFloatingType(t)) continue;
    dtype = dtype ? at::promote_types(*dtype, t) : t;
  }
  const at::ScalarType common = dtype.value_or(kDefaultFloat);
  std::vector<at::Tensor> out;
  out.reserve(args.size());
  for (const ParamArg& a : args) {
    const Value& v = *a.value;
    if (v.is_number()) {
      // Made without the dispatcher: distributions are built on every run of a model.
      out.push_back(at::detail::scalar_tensor_static(v.to_double(), common, at::kCPU));
      continue;
    }
    if (!is_tensor(v) && !v.is(ObjKind::kList) && !v.is(ObjKind::kTuple))
      raise_arg_type(dist, a.name, "a number or a tensor", v);
    const at::Tensor t = to_tensor(v, dist);
    out.push_back(t.scalar_type() == common ? t : t.to(common));
  }
  bool same = true;
  for (const at::Tensor& t : out) same = same && t.sizes() == out[0].sizes();
  if (same) return out;
  std::vector<int64_t> shape = out[0].sizes().vec();
  for (size_t i = 1; i < out.size(); ++i) {
    try {
      shape = at::infer_size(shape, out[i].sizes());
    } catch (const std::exception&) {
      raise_arg_error(
          dist, std::string(args[0].name) + " of shape " + shape_to_string(out[0].sizes().vec()) +
                    " and " + std::string(args[i].name) + " of shape " +
                    shape_to_string(out[i].sizes().vec()) + " cannot be broadcast together");
    }
  }
  for (at::Tensor& t : out) t = t.expand(shape);
  return out;
}

std::string describe_violation(std::string_view label, const at::Tensor& value,
                               const at::Tensor& ok) {
  const at::Tensor v = value.detach();
  if (v.numel() == 1) return "got " + print_scalar(v.reshape({}));
  const at::Tensor bad = ok.logical_not().nonzero();
  if (bad.size(0) == 0) return "got " + print_tensor(v);
  const at::Tensor where = bad[0];
  std::string index;
  std::vector<at::indexing::TensorIndex> idx;
  for (int64_t i = 0; i < where.size(0); ++i) {
    const int64_t k = where[i].item<int64_t>();
    index += (i ? ", " : "") + std::to_string(k);
    idx.emplace_back(k);
  }
  return "but " + std::string(label) + "[" + index + "] = " + print_scalar(v.index(idx));
}

void check_param(std::string_view dist, std::string_view param, const at::Tensor& value,
                 const at::Tensor& ok, std::string_view requirement) {
  // One element: read it directly (one LibTorch op instead of two per check).
  if (ok.numel() == 1 ? ok.item<bool>() : ok.all().item<bool>()) return;
  raise_arg_error(dist, std::string(param) + " must be " + std::string(requirement) + ", " +
                            describe_violation(param, value, ok));
}

void check_not_nan(std::string_view dist, std::string_view param, const at::Tensor& value) {
  const std::optional<double> x = single_stored_value(value);
  if (x && !std::isnan(*x)) return;
  check_param(dist, param, value, value == value, "a real number (not nan)");
}

void check_positive(std::string_view dist, std::string_view param, const at::Tensor& value) {
  const std::optional<double> x = single_stored_value(value);
  if (x && *x > 0) return;
  check_param(dist, param, value, value > 0, "positive");
}

}  // namespace kiln::rt
