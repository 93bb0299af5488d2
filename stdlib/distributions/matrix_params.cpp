#include "stdlib/distributions/matrix_params.h"

#include <ATen/ATen.h>

#include "stdlib/arg_checks.h"
#include "stdlib/tensor/tensor_print.h"

namespace kiln::rt {

namespace {

std::vector<int64_t> batch_part(const BatchedParam& p) {
  const at::IntArrayRef s = p.value->sizes();
  return s.slice(0, s.size() - p.event_dims).vec();
}

// "(1,)" for the first batch index where `ok` is false.
std::string first_failing_index(const at::Tensor& ok) {
  const at::Tensor where = ok.logical_not().nonzero()[0];
  std::vector<int64_t> index;
  for (int64_t i = 0; i < where.size(0); ++i) index.push_back(where[i].item<int64_t>());
  return shape_to_string(index);
}

}  // namespace

std::vector<at::Tensor> convert_params(std::string_view dist, const std::vector<ParamArg>& args) {
  std::vector<at::Tensor> out;
  for (const ParamArg& a : args) out.push_back(broadcast_params(dist, {a})[0]);
  at::ScalarType common = out.at(0).scalar_type();
  for (const at::Tensor& t : out) common = at::promote_types(common, t.scalar_type());
  for (at::Tensor& t : out) t = t.to(common);
  return out;
}

void check_min_dims(std::string_view dist, std::string_view param, const at::Tensor& t,
                    int64_t dims, std::string_view layout) {
  if (t.dim() >= dims) return;
  raise_arg_error(dist, std::string(param) + " must be at least " + std::to_string(dims) +
                            "-dimensional (" + std::string(layout) + "), got shape " +
                            shape_to_string(t.sizes().vec()));
}

std::vector<int64_t> broadcast_batch_shapes(std::string_view dist,
                                            const std::vector<BatchedParam>& params) {
  std::vector<int64_t> shape = batch_part(params.at(0));
  for (size_t i = 1; i < params.size(); ++i) {
    const std::vector<int64_t> next = batch_part(params[i]);
    try {
      shape = at::infer_size(shape, next);
    } catch (const std::exception&) {
      raise_arg_error(dist, std::string(params[0].name) + " of shape " +
                                shape_to_string(params[0].value->sizes().vec()) + " and " +
                                std::string(params[i].name) + " of shape " +
                                shape_to_string(params[i].value->sizes().vec()) +
                                " have batch shapes that cannot be broadcast together");
    }
  }
  return shape;
}

void check_batch_elements(std::string_view dist, std::string_view param, const at::Tensor& ok,
                          std::string_view requirement, std::string_view single_detail) {
  if (ok.all().item<bool>()) return;
  std::string why;
  if (ok.dim() > 0)
    why = " (batch element " + first_failing_index(ok) + " is not)";
  else if (!single_detail.empty())
    why = " (" + std::string(single_detail) + ")";
  raise_arg_error(
      dist, std::string(param) + " must be " + std::string(requirement) + ", but it is not" + why);
}

at::Tensor is_symmetric(const at::Tensor& matrix) {
  const at::Tensor m = matrix.detach();
  return at::isclose(m, m.transpose(-2, -1), /*rtol=*/1e-5, /*atol=*/1e-6).all(-1).all(-1);
}

at::Tensor checked_cholesky(std::string_view dist, std::string_view param,
                            const at::Tensor& matrix) {
  auto [factor, info] = at::linalg_cholesky_ex(matrix);
  const at::Tensor ok = info == 0;
  if (ok.all().item<bool>()) return factor;
  std::string detail;
  if (ok.dim() == 0) {
    const at::Tensor smallest = at::linalg_eigvalsh(matrix.detach()).min();
    detail = "its smallest eigenvalue is " + print_scalar(smallest);
  }
  check_batch_elements(dist, param, ok, "positive definite", detail);
  return factor;
}

}  // namespace kiln::rt
