// The hand-written limits for bench/svi_step.py: one SVI step of the scale
// model (seed 002) in LibTorch -- a reparameterized draw, the three
// log-densities, one backward, an in-place Adam update of the two
// unconstrained params -- with no interpreter, handlers, traces or optimizer
// objects, in two styles:
//   svi_scale_baseline STEPS written   each log-density written out as a
//                                      Normal log-density function would be
//   svi_scale_baseline STEPS fused     the whole ELBO as one formula, its
//                                      constants dropped (what a careful
//                                      engineer writes for one known model)
// Prints µs per step (CPU time, best of 5 repetitions) and the fitted a, b
// on stderr.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <time.h>
#include <torch/autograd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

const double kLogSqrtTwoPi = 0.5 * std::log(2 * M_PI);

at::Tensor normal_log_prob(const at::Tensor& x, const at::Tensor& loc, const at::Tensor& scale) {
  return -(x - loc).pow(2) / (2 * scale.pow(2)) - scale.log() - kLogSqrtTwoPi;
}

struct Adam {
  double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  at::Tensor m, v;
  int64_t t = 0;
  void step(at::Tensor& p, const at::Tensor& g) {
    if (!m.defined()) {
      m = at::zeros_like(p);
      v = at::zeros_like(p);
    }
    ++t;
    m.mul_(beta1).add_(g, 1 - beta1);
    v.mul_(beta2).addcmul_(g, g, 1 - beta2);
    const double c1 = 1 - std::pow(beta1, t), c2 = 1 - std::pow(beta2, t);
    p.addcdiv_(m, (v / c2).sqrt_().add_(eps), -lr / c1);
  }
};

// The ELBO as one expression: w = a + b eps, so (w - a) / b = eps and
// log q(w) = -eps^2 / 2 - log b + const.
at::Tensor fused_elbo(const at::Tensor& a, const at::Tensor& log_b) {
  const at::Tensor w = a + log_b.exp() * at::randn({});
  return ((w - 8.5).square() + ((9.5 - w) / 0.75).square()).mul(-0.5) + log_b;
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 2000;
  const bool fused = argc > 2 && std::string(argv[2]) == "fused";
  at::set_num_threads(1);
  const at::Tensor guess = at::scalar_tensor(8.5), prior_scale = at::scalar_tensor(1.0);
  const at::Tensor measurement = at::scalar_tensor(9.5), noise = at::scalar_tensor(0.75);
  double best = 1e30;
  at::Tensor a, log_b;
  for (int rep = 0; rep < 5; ++rep) {
    a = at::scalar_tensor(8.5).requires_grad_(true);
    log_b = at::scalar_tensor(0.0).requires_grad_(true);
    Adam adam_a, adam_b;
    const double t0 = cpu_seconds();
    for (int s = 0; s < steps; ++s) {
      at::Tensor elbo;
      if (fused) {
        elbo = fused_elbo(a, log_b);
      } else {
        const at::Tensor b = log_b.exp();
        const at::Tensor w = a + b * at::randn({});
        elbo = normal_log_prob(w, guess, prior_scale) + normal_log_prob(measurement, w, noise) -
               normal_log_prob(w, a, b);
      }
      const auto grads = torch::autograd::grad({-elbo}, {a, log_b});
      at::NoGradGuard no_grad;
      adam_a.step(a, grads[0]);
      adam_b.step(log_b, grads[1]);
    }
    best = std::min(best, (cpu_seconds() - t0) / steps);
  }
  std::printf("%.3f\n", best * 1e6);
  std::fprintf(stderr, "a = %.3f, b = %.3f\n", a.item<double>(), log_b.exp().item<double>());
  return 0;
}
