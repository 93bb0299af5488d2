// AutoLaplaceApproximation: a MAP over the packed latent vector (the
// auxiliary site is Delta(loc)), and the Gaussian around it whose precision
// is the Hessian of the negative log joint density in unconstrained space.
#include <ATen/ATen.h>
#include <torch/autograd.h>

#include "inference/autoguide/auto_continuous.h"
#include "inference/particle.h"
#include "runtime/errors.h"
#include "runtime/objects.h"
#include "runtime/param_store.h"
#include "stdlib/distributions/delta.h"
#include "stdlib/tensor/torch_errors.h"

namespace kiln::rt {

AutoLaplaceApproximation::AutoLaplaceApproximation(Value model, Value init_loc_fn)
    : AutoContinuous("AutoLaplaceApproximation", std::move(model), std::move(init_loc_fn),
                     kDefaultInitScale) {}

Value AutoLaplaceApproximation::get_posterior() {
  return make_value(new Delta(loc(), /*event_dim=*/1));
}

at::Tensor AutoLaplaceApproximation::marginal_scale() {
  raise(name() + " is a point estimate (a MAP) and has no quantiles",
        "call .laplace_approximation(*args) after fitting: it returns a Gaussian guide with "
        "quantiles");
}

Value AutoLaplaceApproximation::laplace_approximation(const CallArgs& args) {
  const std::string who = name() + ".laplace_approximation";
  return torch_guard(who, [&] {
    prototype(args);
    at::AutoGradMode grad_mode(true);
    loc();  // creates the param if SVI has not run yet
    const at::Tensor leaf = ParamStore::global().unconstrained(param_name("loc"));
    // The guide's log q is -sum log|det J| (its sites are point masses), so
    // log q - log p is the negative log joint density of the unconstrained
    // vector: the loss whose Hessian is the Laplace precision.
    const ParticleTraces traces = run_particle(model(), Value(static_cast<Object*>(this)), args, who);
    const at::Tensor loss = traces.guide().log_prob_sum() - traces.model().log_prob_sum();
    const at::Tensor grad = torch::autograd::grad({loss}, {leaf}, {}, /*retain_graph=*/true,
                                                  /*create_graph=*/true)[0];
    // Autograd has no Hessian primitive: differentiate each gradient entry again.
    std::vector<at::Tensor> rows;
    for (int64_t i = 0; i < latent_dim(); ++i) {
      at::Tensor row;
      if (grad.requires_grad())
        row = torch::autograd::grad({grad[i]}, {leaf}, {}, /*retain_graph=*/true,
                                    /*create_graph=*/false, /*allow_unused=*/true)[0];
      rows.push_back(row.defined() ? row.detach() : at::zeros_like(leaf));
    }
    at::Tensor hessian = at::stack(rows).to(at::kDouble);
    hessian = (hessian + hessian.t()) / 2;  // symmetric up to rounding
    const auto [hessian_tril, info] = at::linalg_cholesky_ex(hessian);
    if (info.item<int64_t>() != 0)
      raise(who + "(): the Hessian of the negative log joint at the current loc is not positive "
                  "definite, so the loc is not a maximum of the posterior density",
            "fit the MAP first (more SVI steps, or a smaller learning rate), then call "
            "laplace_approximation again");
    const at::Tensor covariance = at::cholesky_inverse(hessian_tril);
    const at::Tensor scale_tril = at::linalg_cholesky(covariance).to(leaf.scalar_type());
    return AutoMultivariateNormal::from_gaussian(*this, leaf.detach().clone(), scale_tril);
  });
}

Value AutoLaplaceApproximation::get_attr(std::string_view attr) const {
  if (attr == "laplace_approximation")
    return make_value(new BoundMethodObject(Value(const_cast<AutoLaplaceApproximation*>(this)),
                                            std::string(attr)));
  return AutoContinuous::get_attr(attr);
}

Value AutoLaplaceApproximation::call_method(std::string_view method, const CallArgs& args) {
  if (method == "laplace_approximation") return laplace_approximation(args);
  return AutoContinuous::call_method(method, args);
}

}  // namespace kiln::rt
