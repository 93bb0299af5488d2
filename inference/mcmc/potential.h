// The potential energy of HMC and NUTS, from a model (Pyro's
// initialize_model / potential_fn): the latent sample sites of the model,
// each mapped to the unconstrained reals by biject_to(support) and packed
// into one flat float64 vector z of size dim(), and
//
//   U(z) = -( log p(data, constrained(z)) + sum over sites of log|det J(z_site)| )
//
// with its gradient by autograd. The log density is the model's trace's
// log_prob_sum (every sample site, observed or latent, scaled and masked as
// the model says) run with each latent site's value supplied; -U is Stan's
// lp__ (the log density in unconstrained space, Jacobian included).
//
//   Potential u(model, args, "NUTS");         // one prototype run of the model
//   std::vector<double> grad(u.dim());
//   double energy = u.evaluate(z, grad);      // +inf where the density is 0 or NaN
//   u.constrain(z, out);                      // the sites' constrained values, flat
//
// The prototype run (block(trace(model))(*args), hidden from outer handlers)
// fixes the latent sites, their shapes and dtypes; every later run must
// sample the same latent sites, else KilnError naming the site. A discrete
// latent site is a KilnError too: HMC needs continuous ones.
//
// Evaluations run with validation off: a point the transforms put on the
// edge of a support by rounding (exp(-800) == 0) or a parameter that
// underflows must reject the proposal (U = +inf), not stop the run. The
// model runs in its own dtype (float32 unless it says otherwise): the
// constrained values are cast to each site's dtype, so a model mixing them
// with float32 data works; the transforms and Jacobians stay in float64.
//
// Not thread-safe: one Potential belongs to one chain at a time.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/call_args.h"
#include "runtime/handlers/message.h"
#include "runtime/value.h"

namespace kiln::rt {

class Transform;

// One latent site's slice of the flat vectors.
struct LatentBlock {
  std::string name;
  std::string distribution;  // "Normal", for messages
  Value transform;           // biject_to(support): reals -> support
  std::vector<int64_t> shape;                // constrained value shape
  std::vector<int64_t> unconstrained_shape;  // transform.inverse_shape(shape)
  int64_t offset = 0;        // in z
  int64_t size = 0;          // elements in z
  int64_t value_offset = 0;  // in the flat constrained draw
  int64_t value_size = 0;    // elements of the constrained value
  c10::ScalarType dtype = c10::ScalarType::Float;  // the model's dtype for the site
  size_t trace_index = 0;    // position in the prototype trace
  bool identity = false;     // the transform is the identity (no Jacobian term)

  const Transform& bijection() const;
};

class Potential {
 public:
  // Runs the model once with `args` under block(trace(...)). `who` ("NUTS")
  // words the errors. Raises KilnError for a discrete latent site or a model
  // without latent sites.
  Potential(Value model, const CallArgs& args, std::string who);

  int64_t dim() const { return dim_; }
  int64_t value_dim() const { return value_dim_; }
  const std::vector<LatentBlock>& blocks() const { return blocks_; }
  const std::string& who() const { return who_; }
  // The prototype run's message of a latent site (for init strategies).
  const Message& prototype_site(const LatentBlock& block) const;

  // U(z), writing dU/dz into `grad`. +inf (and a zero gradient) when U or
  // its gradient is not finite.
  double evaluate(const std::vector<double>& z, std::vector<double>& grad) const;
  // The same evaluation as a PotentialGradient (hamiltonian.h). The
  // Potential must outlive it.
  double operator()(const std::vector<double>& z, std::vector<double>& grad) const {
    return evaluate(z, grad);
  }

  // dU/dz as autograd gives it, non-finite entries kept (float64, dim());
  // for diagnosing a bad point.
  at::Tensor raw_gradient(const std::vector<double>& z) const;
  // The model's trace at z (a Trace value, log-probabilities not yet
  // computed) and each site's log|det J| (float64, 0-dim), for diagnosing a
  // bad point. No gradients.
  Value trace_at(const std::vector<double>& z, std::vector<at::Tensor>& log_jacobians) const;

  // The constrained values at z, float64, concatenated in block order into
  // out[0 .. value_dim()).
  void constrain(const std::vector<double>& z, double* out) const;
  // z for the given constrained values (one per block, in block order).
  std::vector<double> unconstrain(const std::vector<at::Tensor>& values) const;

 private:
  // One leaf tensor per block, z's slice shaped as the block's unconstrained
  // value: in the site's dtype for an identity-transformed site (the model
  // reads it as it is), float64 otherwise (the transform's input), and
  // requiring grad when `track` is set. Separate leaves rather than views of
  // one tensor: a view costs a slice and a reshape node per site and
  // gradient, and a dtype cast another.
  std::vector<at::Tensor> leaves_at(const std::vector<double>& z, bool track) const;
  // lp = -U at the leaves, and each leaf's gradient in `grads` (undefined
  // where lp does not depend on it; all undefined when lp is not finite).
  double log_density(const std::vector<at::Tensor>& leaves, std::vector<at::Tensor>& grads) const;
  // Runs the model with the latent values of the leaves; returns the trace
  // and sets `log_jacobian` to the sum of the Jacobian terms (0-dim float64,
  // undefined when every site is identity-transformed) and, if given,
  // appends each site's term to `per_site`.
  Value run_at(const std::vector<at::Tensor>& leaves, at::Tensor& log_jacobian,
               std::vector<at::Tensor>* per_site) const;

  Value model_;
  ArgList args_;
  std::string who_;
  Value prototype_;  // Trace
  std::vector<LatentBlock> blocks_;
  int64_t dim_ = 0;
  int64_t value_dim_ = 0;
};

}  // namespace kiln::rt
