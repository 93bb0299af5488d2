#include "stdlib/distributions/probs_logits.h"

#include <ATen/ATen.h>

#include <limits>

namespace kiln::rt {

at::Tensor clamp_probs(const at::Tensor& probs) {
  const double eps = probs.scalar_type() == at::kDouble ? std::numeric_limits<double>::epsilon()
                                                        : std::numeric_limits<float>::epsilon();
  return probs.clamp(eps, 1 - eps);
}

at::Tensor binary_probs_to_logits(const at::Tensor& probs) {
  const at::Tensor p = clamp_probs(probs);
  return p.log() - (-p).log1p();
}

at::Tensor log_sigmoid_of(const at::Tensor& logits) {
  // min(l, 0) written as (l - |l|) / 2 so that its gradient at 0 is 1/2 (the
  // subgradient autograd gives min() there is 0 or 1); together with the
  // log1p term, whose |l| has gradient 0 at 0, the sum then has the exact
  // derivative sigmoid(-0) = 1/2.
  const at::Tensor magnitude = logits.abs();
  return 0.5 * (logits - magnitude) - (-magnitude).exp().log1p();
}

at::Tensor count_times_log(const at::Tensor& count, const at::Tensor& log_p) {
  const at::Tensor product = count * log_p;
  return at::where(count == 0, at::zeros({}, product.options()), product);
}

}  // namespace kiln::rt
