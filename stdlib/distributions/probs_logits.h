// Probabilities and logits of the discrete distributions: conversions as
// torch.distributions makes them, and log-probabilities computed stably from
// logits. Shared by Bernoulli, Binomial, Geometric, NegativeBinomial and the
// categorical family, so they agree to the last bit.
//   logits = log(p) - log(1 - p)           (binary_probs_to_logits)
//   log(sigmoid(l)) = min(l, 0) - log1p(exp(-|l|))
// All functions are differentiable tensor expressions (no .item()).
#pragma once

#include <ATen/core/Tensor.h>

namespace kiln::rt {

// probs clamped to [eps, 1 - eps] (eps of their dtype), as torch's
// clamp_probs: keeps log(p) and log(1 - p) finite.
at::Tensor clamp_probs(const at::Tensor& probs);

// The logit of the success probability of a yes/no trial, finite even for
// probs of exactly 0 or 1 (they are clamped first).
at::Tensor binary_probs_to_logits(const at::Tensor& probs);

// log(sigmoid(logits)), accurate for large |logits| (no overflow of exp, no
// rounding of 1 + tiny). Its gradient is exact at logits = 0 too.
at::Tensor log_sigmoid_of(const at::Tensor& logits);

// count * log_p, with 0 wherever count is 0 even if log_p is -inf: the term
// of a log-pmf for `count` outcomes of log-probability `log_p` (a certain
// event that did not happen contributes nothing).
at::Tensor count_times_log(const at::Tensor& count, const at::Tensor& log_p);

}  // namespace kiln::rt
