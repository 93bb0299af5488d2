// The one random number generator of the runtime. Every draw -- randn, rand,
// distribution sampling, plate subsampling -- takes its numbers from
// global_generator(), so one seed (kiln run --seed, manual_seed(n),
// set_global_seed) makes a whole run reproducible, on both back ends.
//
// It is LibTorch's default CPU generator, so LibTorch operations that draw
// without being handed a generator (dropout in nn modules) follow the same
// seed. Draws lock the generator, so concurrent use is safe but its order
// across threads is not reproducible; an MCMC chain installs its own seeded
// generator with GeneratorScope (below).
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>

namespace kiln::rt {

// This thread's generator: the one installed by the innermost
// GeneratorScope, else LibTorch's default CPU generator.
at::Generator global_generator();
// Restarts the global generator's sequence from `seed`.
void seed_global_generator(uint64_t seed);
// The seed the global generator was last seeded with.
uint64_t global_seed();

// Makes `generator` this thread's generator for the scope's lifetime
// (an MCMC chain's independent, seeded stream).
class GeneratorScope {
 public:
  explicit GeneratorScope(at::Generator generator);
  ~GeneratorScope();
  GeneratorScope(const GeneratorScope&) = delete;
  GeneratorScope& operator=(const GeneratorScope&) = delete;

 private:
  at::Generator previous_;
  bool had_previous_;
};

// A new CPU generator seeded with `seed`.
at::Generator make_seeded_generator(uint64_t seed);

}  // namespace kiln::rt
