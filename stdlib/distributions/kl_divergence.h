// kl_divergence(p, q): KL(p || q) = E_p[log p(x) - log q(x)] in closed form,
// one value per batch element (the batch shapes broadcast), differentiable
// in both distributions' parameters. TraceMeanField_ELBO uses it for the
// sites where guide and model both have one; the builtin
// kl_divergence(p, q) exposes it.
//
// Known pairs (those PyTorch registers among Kiln's distributions):
// Normal, LogNormal, HalfNormal, Laplace, Gumbel, Uniform, Exponential,
// Gamma, Beta, Cauchy, Dirichlet, Bernoulli, Binomial (q's total_count not
// above p's), Geometric, Poisson, Categorical, OneHotCategorical, each with
// itself; MultivariateNormal and LowRankMultivariateNormal with each other.
// Across families, the pairs torch 1.13 registers: Normal, Laplace, Gumbel,
// Uniform, Exponential, Gamma and Beta with one another where torch has
// them, Bernoulli with Poisson, Poisson with Bernoulli and Binomial --
// infinite where q has no density on part of p's support. Chi2 takes every
// Gamma pair.
// Wrappers: Independent with Independent sums the KL over the reinterpreted
// dims they share (Pyro's rule: the extra dims of one side stay on it), and
// a MaskedDistribution on either side gives 0 where masked out. Parameters
// are read through Distribution::param by their torch names, so formulas do
// not depend on the classes' internals.
#pragma once

#include <ATen/core/Tensor.h>

#include "stdlib/distributions/distribution.h"

namespace kiln::rt {

// Whether kl_divergence(p, q) has a closed form (no tensor work).
bool has_analytic_kl(const Distribution& p, const Distribution& q);

// KL(p || q). Raises KilnError "no analytic KL divergence is known for Gamma
// and Normal; use a Monte Carlo estimate" when has_analytic_kl is false, and
// for event shapes or category counts that differ. Infinite where q puts no
// mass on part of p's support (Uniform, Bernoulli, Categorical, Binomial).
at::Tensor kl_divergence(const Distribution& p, const Distribution& q);

}  // namespace kiln::rt
