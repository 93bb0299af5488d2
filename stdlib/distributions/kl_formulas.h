// The closed-form KL divergences behind kl_divergence (kl_divergence.h), one
// per pair of distribution names. Each formula reads parameters through
// Distribution::param by their torch names and returns one value per
// element of the broadcast batch shape. Wrappers (Independent, masks) and
// shape checks are kl_divergence's business, not these formulas'.
// Adding a pair: a function in kl_formulas.cpp, a row in its table, and a
// Monte Carlo check in tests/runtime/multivariate_distributions_test.cpp.
#pragma once

#include <ATen/core/Tensor.h>

#include <string_view>

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

using KlFormula = at::Tensor (*)(const Distribution& p, const Distribution& q);

// The formula for KL(p || q) with p and q of these names, or null.
KlFormula find_kl_formula(std::string_view p, std::string_view q);

}  // namespace kiln::rt
