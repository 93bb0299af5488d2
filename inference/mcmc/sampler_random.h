// The random numbers an HMC or NUTS sampler consumes: a momentum vector of
// standard normals per transition and many uniforms (directions and
// multinomial choices in the tree). Both come from global_generator()
// (stdlib/random.h), which an MCMC chain points at its own seeded generator
// with a GeneratorScope, so a chain is reproducible from its seed.
//
// Uniforms are drawn 256 at a time: one LibTorch call per uniform would cost
// more than the tree arithmetic it feeds.
//   SamplerRandom rng;
//   rng.standard_normals(p);         // p.size() draws
//   if (rng.uniform() > 0.5) ...     // in [0, 1)
// One SamplerRandom belongs to one chain (one thread).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kiln::rt {

class SamplerRandom {
 public:
  double uniform();
  // Fills `out` with independent standard normal draws.
  void standard_normals(std::vector<double>& out);

 private:
  at::Tensor uniforms_;  // float64 batch being consumed
  int64_t next_ = 0;
};

}  // namespace kiln::rt
