#include "stdlib/distributions/kl_divergence.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <optional>

#include "runtime/builtin_registry.h"
#include "runtime/errors.h"
#include "runtime/tensor_value.h"
#include "stdlib/arg_checks.h"
#include "stdlib/distributions/independent.h"
#include "stdlib/distributions/kl_formulas.h"
#include "stdlib/distributions/masked.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

namespace {

constexpr std::string_view kName = "kl_divergence";

const MaskedDistribution* as_masked(const Distribution& d) {
  return dynamic_cast<const MaskedDistribution*>(&d);
}

const Independent* as_independent(const Distribution& d) {
  return dynamic_cast<const Independent*>(&d);
}

// "Gamma", "Independent(Gamma, 1)", "MaskedDistribution(Normal)": what the
// error names, down to the distributions inside wrappers.
std::string describe(const Distribution& d) {
  if (const auto* m = as_masked(d)) return "MaskedDistribution(" + describe(m->base()) + ")";
  if (const auto* i = as_independent(d))
    return "Independent(" + describe(i->base()) + ", " + std::to_string(i->reinterpreted_dims()) +
           ")";
  return std::string(d.name());
}

at::Tensor sum_rightmost(const at::Tensor& x, int64_t n) {
  if (n <= 0) return x;
  std::vector<int64_t> dims;
  for (int64_t i = 1; i <= n; ++i) dims.push_back(-i);
  return x.sum(dims);
}

// The parts of a shape a formula cannot broadcast away: the event shape,
// and for Categorical the number of categories.
void check_same_events(const Distribution& p, const Distribution& q) {
  const std::string who = std::string(p.name()) + " and " + std::string(q.name());
  if (p.event_shape() != q.event_shape())
    raise_arg_error(kName, who + " have different event shapes " +
                               shape_to_string(p.event_shape()) + " and " +
                               shape_to_string(q.event_shape()));
  if (p.name() != "Categorical") return;
  at::Tensor pp = p.param("probs"), qp = q.param("probs");
  if (!pp.defined() || !qp.defined()) {
    pp = p.param("logits");
    qp = q.param("logits");
  }
  if (pp.defined() && qp.defined() && pp.size(-1) != qp.size(-1))
    raise_arg_error(kName, who + " have different numbers of categories, " +
                               std::to_string(pp.size(-1)) + " and " + std::to_string(qp.size(-1)));
}

// Binomial's formula covers q.total_count <= p.total_count only.
void check_total_counts(const Distribution& p, const Distribution& q) {
  if (p.name() != "Binomial") return;
  if ((p.param("total_count") < q.param("total_count")).any().item<bool>())
    raise(
        "no analytic KL divergence is known for Binomial and Binomial where q's total_count "
        "exceeds p's; use a Monte Carlo estimate");
}

// KL(p || q), or nullopt when no closed form is known. With `compute`
// false only the answer's existence is worked out, and a known KL comes
// back as an undefined tensor.
std::optional<at::Tensor> resolve(const Distribution& p, const Distribution& q, bool compute) {
  const MaskedDistribution* pm = as_masked(p);
  const MaskedDistribution* qm = as_masked(q);
  if (pm != nullptr || qm != nullptr) {
    const std::optional<at::Tensor> kl = resolve(pm ? pm->base() : p, qm ? qm->base() : q, compute);
    if (!kl || !compute) return kl;
    const at::Tensor mask = pm && qm ? pm->mask_tensor() & qm->mask_tensor()
                                     : (pm ? pm->mask_tensor() : qm->mask_tensor());
    return at::where(mask, *kl, at::scalar_tensor(0.0, kl->options()));
  }
  const Independent* pi = as_independent(p);
  const Independent* qi = as_independent(q);
  if (pi != nullptr && qi != nullptr) {
    // The dims both reinterpret are summed here; what one side reinterprets
    // beyond them stays an Independent on that side.
    const int64_t shared = std::min(pi->reinterpreted_dims(), qi->reinterpreted_dims());
    const int64_t p_extra = pi->reinterpreted_dims() - shared;
    const int64_t q_extra = qi->reinterpreted_dims() - shared;
    const Value p_inner = p_extra ? make_independent(pi->base_value(), p_extra) : pi->base_value();
    const Value q_inner = q_extra ? make_independent(qi->base_value(), q_extra) : qi->base_value();
    const std::optional<at::Tensor> kl =
        resolve(*as_distribution(p_inner), *as_distribution(q_inner), compute);
    if (!kl || !compute) return kl;
    return sum_rightmost(*kl, shared);
  }
  const KlFormula formula = find_kl_formula(p.name(), q.name());
  if (formula == nullptr) return std::nullopt;
  if (!compute) return at::Tensor();
  check_same_events(p, q);
  check_total_counts(p, q);
  return formula(p, q);
}

Value builtin_kl_divergence(const CallArgs& args) {
  check_args(args, 0, 2, "p,q");
  const Value& p = required_arg(args, 0, "p");
  const Value& q = required_arg(args, 1, "q");
  const Distribution* pd = as_distribution(p);
  const Distribution* qd = as_distribution(q);
  if (pd == nullptr) raise_arg_type(kName, "p", "a distribution", p);
  if (qd == nullptr) raise_arg_type(kName, "q", "a distribution", q);
  return make_tensor(kl_divergence(*pd, *qd));
}

}  // namespace

bool has_analytic_kl(const Distribution& p, const Distribution& q) {
  return resolve(p, q, /*compute=*/false).has_value();
}

at::Tensor kl_divergence(const Distribution& p, const Distribution& q) {
  return torch_guard(kName, [&] {
    std::optional<at::Tensor> kl = resolve(p, q, /*compute=*/true);
    if (!kl)
      raise("no analytic KL divergence is known for " + describe(p) + " and " + describe(q) +
            "; use a Monte Carlo estimate");
    return *kl;
  });
}

KILN_REGISTER_BUILTINS {
  register_builtin(BuiltinId::k_kl_divergence, &guarded<&builtin_kl_divergence>);
}

}  // namespace kiln::rt
