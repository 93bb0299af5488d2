#include "stdlib/distributions/categorical_params.h"

#include <ATen/ATen.h>
#include <c10/util/accumulate.h>

#include <limits>
#include <string>

#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/random.h"

namespace kiln::rt {

namespace {

// Raises "<dist>(): <param> <requirement>, but <param>[i, j] <fault>" for the
// first batch row where `row_ok` (shaped like the batch) is false.
void check_rows(std::string_view dist, std::string_view param, const at::Tensor& row_ok,
                std::string_view requirement, std::string_view fault) {
  if (row_ok.all().item<bool>()) return;
  std::string where(param);
  if (row_ok.dim() > 0) {
    const at::Tensor first = row_ok.logical_not().nonzero()[0];
    where += "[";
    for (int64_t i = 0; i < first.size(0); ++i)
      where += (i ? ", " : "") + std::to_string(first[i].item<int64_t>());
    where += "]";
  }
  raise_arg_error(dist, std::string(param) + " " + std::string(requirement) + ", but " + where +
                            " " + std::string(fault));
}

void check_has_categories(std::string_view dist, std::string_view param, const at::Tensor& t) {
  if (t.dim() == 0)
    raise_arg_error(dist, std::string(param) +
                              " must be at least one-dimensional (its last dim indexes the "
                              "categories), got shape ()");
  if (t.size(-1) == 0)
    raise_arg_error(dist, std::string(param) + " must have at least one category, got shape " +
                              shape_to_string(t.sizes().vec()));
}

}  // namespace

CategoricalParams CategoricalParams::make(std::string_view dist, const Value* probs,
                                          const Value* logits, bool validate) {
  if ((probs == nullptr) == (logits == nullptr))
    raise_arg_error(dist, "give exactly one of probs and logits");
  const bool from_logits = logits != nullptr;
  std::vector<at::Tensor> p =
      broadcast_params(dist, {{from_logits ? "logits" : "probs", from_logits ? logits : probs}});
  return normalize(dist, std::move(p[0]), from_logits, validate);
}

CategoricalParams CategoricalParams::normalize(std::string_view dist, at::Tensor param,
                                               bool from_logits, bool validate) {
  check_has_categories(dist, from_logits ? "logits" : "probs", param);
  if (from_logits) {
    // A +inf logit would make its row inf - inf = nan after normalizing, and
    // a row of -inf has no probability mass at all.
    if (validate)
      check_param(dist, "logits", param, (param == param) & (param != INFINITY),
                  "a real number or -inf (not nan or +inf)");
    const at::Tensor log_total = param.logsumexp({-1}, /*keepdim=*/true);
    if (validate)
      check_rows(dist, "logits", log_total.squeeze(-1) > -INFINITY,
                 "must have an entry above -inf along the last dim", "is -inf everywhere");
    return CategoricalParams(param - log_total, true);
  }
  if (validate)
    check_param(dist, "probs", param, (param >= 0) & param.isfinite(), "nonnegative and finite");
  const at::Tensor total = param.sum(-1, /*keepdim=*/true);
  if (validate)
    check_rows(dist, "probs", total.squeeze(-1) > 0,
               "must have a positive sum along the last dim (each row is divided by its sum)",
               "sums to 0");
  return CategoricalParams(param / total, false);
}

at::Tensor CategoricalParams::probs() const {
  return from_logits_ ? at::softmax(param_, -1) : param_;
}

at::Tensor CategoricalParams::logits() const {
  return from_logits_ ? param_ : clamp_probs(param_).log();
}

at::Tensor CategoricalParams::by_name(std::string_view name) const {
  if (name == "probs") return probs();
  if (name == "logits") return logits();
  return at::Tensor();
}

std::vector<int64_t> CategoricalParams::batch_shape() const {
  const std::vector<int64_t> shape = param_.sizes().vec();
  return std::vector<int64_t>(shape.begin(), shape.end() - 1);
}

CategoricalParams CategoricalParams::expand(at::IntArrayRef batch_shape) const {
  std::vector<int64_t> shape = batch_shape.vec();
  shape.push_back(num_categories());
  return CategoricalParams(param_.expand(shape), from_logits_);
}

at::Tensor CategoricalParams::log_prob_of_index(const at::Tensor& index) const {
  std::vector<int64_t> shape = at::infer_size(index.sizes(), batch_shape());
  const at::Tensor idx = index.to(at::kLong).expand(shape).unsqueeze(-1);
  shape.push_back(num_categories());
  return logits().expand(shape).gather(-1, idx).squeeze(-1);
}

at::Tensor CategoricalParams::sample_index(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  std::vector<int64_t> shape = sample_shape.vec();
  const std::vector<int64_t> batch = batch_shape();
  shape.insert(shape.end(), batch.begin(), batch.end());
  const int64_t draws_per_row = c10::multiply_integers(sample_shape);
  const at::Tensor rows = probs().reshape({-1, num_categories()});
  // at::multinomial refuses to draw 0 samples.
  if (draws_per_row == 0 || rows.size(0) == 0)
    return at::empty(shape, at::TensorOptions().dtype(at::kLong));
  const at::Tensor draws = at::multinomial(rows, draws_per_row, /*replacement=*/true,
                                           global_generator());  // (rows, draws)
  return draws.t().reshape(shape);
}

at::Tensor CategoricalParams::entropy() const {
  // Clamping -inf logits to the lowest finite value makes 0 * log 0 come
  // out as 0 instead of nan.
  const double lowest = param_.scalar_type() == at::kDouble ? std::numeric_limits<double>::lowest()
                                                            : std::numeric_limits<float>::lowest();
  return -(logits().clamp_min(lowest) * probs()).sum(-1);
}

}  // namespace kiln::rt
