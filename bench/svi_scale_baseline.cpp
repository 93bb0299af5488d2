// The hand-written limit for bench/svi_step.py: one SVI step of the scale
// model (seed 002) the way a careful engineer writes it in LibTorch -- a
// reparameterized draw, the three log-densities, one backward, an in-place
// Adam update of the two unconstrained params -- with no interpreter,
// handlers, traces or optimizer objects. Prints µs per step (CPU time, best
// of 5 repetitions) and the fitted a, b on stderr.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <time.h>
#include <torch/autograd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

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

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 2000;
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
      const at::Tensor b = log_b.exp();
      const at::Tensor w = a + b * at::randn({});
      const at::Tensor elbo = normal_log_prob(w, guess, prior_scale) +
                              normal_log_prob(measurement, w, noise) - normal_log_prob(w, a, b);
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
