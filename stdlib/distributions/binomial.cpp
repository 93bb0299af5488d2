#include "stdlib/distributions/binomial.h"

#include <ATen/ATen.h>

#include <string>

#include "runtime/builtin_registry.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/dist_params.h"
#include "stdlib/distributions/probs_logits.h"
#include "stdlib/random.h"
#include "stdlib/tensor/tensor_print.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

Value builtin_binomial(const CallArgs& args) {
  check_args(args, 0, 2, "total_count,probs,logits");
  return Binomial::make(optional_arg(args, 0, "total_count"), optional_arg(args, 1, "probs"),
                        optional_arg(args, 2, "logits"));
}

}  // namespace

at::Tensor binomial_log_prob(const at::Tensor& total_count, const at::Tensor& logits,
                             const at::Tensor& value) {
  const at::Tensor log_choose =
      (total_count + 1).lgamma() - (value + 1).lgamma() - (total_count - value + 1).lgamma();
  return log_choose + count_times_log(value, log_sigmoid_of(logits)) +
         count_times_log(total_count - value, log_sigmoid_of(-logits));
}

Binomial::Binomial(at::Tensor total_count, at::Tensor param, bool from_logits, bool validate)
    : Distribution(param.sizes().vec(), {}, param.scalar_type()),
      total_count_(std::move(total_count)),
      param_(std::move(param)),
      from_logits_(from_logits) {
  if (!validate) return;
  check_param(
      "Binomial", "total_count", total_count_,
      (total_count_ >= 0) & (total_count_ == total_count_.floor()) & total_count_.isfinite(),
      "a nonnegative integer");
  if (from_logits_) {
    check_not_nan("Binomial", "logits", param_);
  } else {
    check_param("Binomial", "probs", param_, (param_ >= 0) & (param_ <= 1), "in [0, 1]");
  }
}

Value Binomial::make(const Value* total_count, const Value* probs, const Value* logits) {
  if ((probs == nullptr) == (logits == nullptr))
    raise_arg_error("Binomial", "give exactly one of probs and logits");
  const bool from_logits = logits != nullptr;
  const Value one(1);
  std::vector<at::Tensor> p = broadcast_params(
      "Binomial", {{"total_count", total_count != nullptr ? total_count : &one},
                   {from_logits ? "logits" : "probs", from_logits ? logits : probs}});
  return make_value(
      new Binomial(std::move(p[0]), std::move(p[1]), from_logits, validation_enabled()));
}

std::vector<std::pair<std::string_view, at::Tensor>> Binomial::params() const {
  return {{"total_count", total_count_}, {from_logits_ ? "logits" : "probs", param_}};
}

at::Tensor Binomial::param(std::string_view name) const {
  if (name == "total_count") return total_count_;
  if (name == "probs") return probs();
  if (name == "logits") return logits();
  return at::Tensor();
}

at::Tensor Binomial::probs() const { return from_logits_ ? param_.sigmoid() : param_; }

at::Tensor Binomial::logits() const {
  return from_logits_ ? param_ : binary_probs_to_logits(param_);
}

Value Binomial::support() const {
  return integer_interval(at::zeros({}, total_count_.options()), total_count_);
}

at::Tensor Binomial::sample(at::IntArrayRef sample_shape) const {
  at::NoGradGuard no_grad;
  const std::vector<int64_t> shape = extended_shape(sample_shape);
  return at::binomial(total_count_.expand(shape).contiguous(), probs().expand(shape).contiguous(),
                      global_generator());
}

at::Tensor Binomial::variance() const {
  const at::Tensor p = probs();
  return total_count_ * p * (1 - p);
}

int64_t Binomial::common_total_count(std::string_view method) const {
  if (total_count_.numel() == 0) return 0;
  const at::Tensor n = total_count_.detach();
  const at::Tensor lowest = n.min(), highest = n.max();
  if (!at::equal(lowest, highest))
    raise_arg_error("Binomial." + std::string(method),
                    std::string("needs the same total_count for every batch element, ") +
                        "but total_count ranges from " + print_scalar(lowest) + " to " +
                        print_scalar(highest));
  return highest.item<int64_t>();
}

at::Tensor Binomial::enumerate_support(bool expand) const {
  const int64_t n = common_total_count("enumerate_support");
  std::vector<int64_t> shape(batch_shape().size() + 1, 1);
  shape[0] = n + 1;
  const at::Tensor values = at::arange(n + 1, param_.options()).view(shape);
  return expand ? values.expand(extended_shape({n + 1})) : values;
}

// As torch: the sum over the finite support, which needs one total_count.
at::Tensor Binomial::entropy() const {
  const at::Tensor log_p = log_prob_impl(enumerate_support(false));
  return -count_times_log(log_p.exp(), log_p).sum(0);
}

at::Tensor Binomial::log_prob_impl(const at::Tensor& value) const {
  return binomial_log_prob(total_count_, logits(), value);
}

Value Binomial::expand_impl(at::IntArrayRef batch_shape) const {
  return make_value(new Binomial(total_count_.expand(batch_shape), param_.expand(batch_shape),
                                 from_logits_, false));
}

KILN_REGISTER_BUILTINS { register_builtin(BuiltinId::k_Binomial, &guarded<&builtin_binomial>); }

}  // namespace kiln::rt
