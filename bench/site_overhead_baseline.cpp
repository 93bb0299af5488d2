// The hand-written limit for bench/site_overhead.py: the LibTorch work of
// one Normal(0.0, 1.0) site under trace∘replay -- two parameter tensors and
// the Gaussian log-density at a replayed value -- for 100 sites, summed,
// with no interpreter, handlers or messages. Prints microseconds per run of
// the 100 sites (best of several repetitions, CPU time).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <time.h>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr int kSites = 100;

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
  at::set_num_threads(1);
  std::vector<at::Tensor> values;
  for (int i = 0; i < kSites; ++i) values.push_back(at::randn({}));
  const double log_sqrt_two_pi = 0.5 * std::log(2 * M_PI);
  double best = 1e30;
  double checksum = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const double t0 = cpu_seconds();
    for (int r = 0; r < runs; ++r) {
      at::Tensor total;
      for (int i = 0; i < kSites; ++i) {
        const at::Tensor loc = at::scalar_tensor(0.0, at::kFloat);
        const at::Tensor scale = at::scalar_tensor(1.0, at::kFloat);
        const at::Tensor lp =
            -(values[i] - loc).pow(2) / (2 * scale.pow(2)) - scale.log() - log_sqrt_two_pi;
        total = total.defined() ? total + lp : lp;
      }
      checksum += total.item<double>();
    }
    best = std::min(best, (cpu_seconds() - t0) / runs);
  }
  std::printf("%.3f\n", best * 1e6);
  std::fprintf(stderr, "checksum %.3f\n", checksum);
  return 0;
}
